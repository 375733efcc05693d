import { LANGUAGE_CODES } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { cachedEngineCatalogue } from "../../src/aws/engineCatalogue.js";
import { type EngineCatalogue, languagesFor, sessionLanguageGaps } from "../../src/services/languageCapabilities.js";

/** What the embedded server's engines list: pocketsphinx en-US, Apertium's pairs, eSpeak NG voices. */
const embedded: EngineCatalogue = {
  home: "embedded",
  recognition: new Set(["en"]),
  translation: new Set(["en", "es", "fr", "pt", "ca", "it"]),
  speech: new Set(LANGUAGE_CODES.filter((c) => c !== "uk")),
};

describe("language capabilities", () => {
  it("says speech where the target is translated and voiced, captions only without a voice, unavailable without translation", () => {
    const catalogue: EngineCatalogue = { ...embedded, translation: new Set([...embedded.translation, "uk"]) };
    const by = new Map(languagesFor(catalogue, "en").languages.map((l) => [l.code, l]));
    expect(by.get("es")).toMatchObject({ capability: "speech" });
    expect(by.get("es")?.reason).toBeUndefined();
    expect(by.get("uk")).toMatchObject({
      capability: "captions",
      reason:
        "no voice for Ukrainian in this home (embedded eSpeak NG speaks en, es, fr, pt, ca, de, it, nl, pl, ru, tr, ar, hi, ja, ko, zh)",
    });
    expect(by.get("ja")).toMatchObject({
      capability: "unavailable",
      reason:
        "no translation engine from English to Japanese in this home (embedded Apertium has es, fr, pt, ca, it, uk)",
    });
  });

  it("gives the source no target capability and marks which languages can be spoken to it", () => {
    const answer = languagesFor(embedded, "en");
    expect(answer.languages.map((l) => l.code)).toEqual(LANGUAGE_CODES);
    expect(answer.languages.find((l) => l.code === "en")?.capability).toBeUndefined();
    expect(answer.languages.filter((l) => l.recognition.available).map((l) => l.code)).toEqual(["en"]);
    expect(answer.languages.find((l) => l.code === "de")?.recognition.reason).toBe(
      "no speech recognition for German in this home (embedded pocketsphinx recognizes en)",
    );
  });

  it("names every language a session cannot have and the engine it lacks, one line each", () => {
    expect(sessionLanguageGaps(embedded, "en", ["es", "fr"])).toEqual([]);
    expect(sessionLanguageGaps(embedded, "en", ["es", "ja", "de"])).toEqual([
      "Japanese: no translation engine from English to Japanese in this home (embedded Apertium has es, fr, pt, ca, it)",
      "German: no translation engine from English to German in this home (embedded Apertium has es, fr, pt, ca, it)",
    ]);
    expect(sessionLanguageGaps(embedded, "es", ["fr"])).toEqual([
      "Spanish: no speech recognition for Spanish in this home (embedded pocketsphinx recognizes en)",
    ]);
  });

  it("accepts a captions-only target: a missing voice does not stop a session", () => {
    const noVoices: EngineCatalogue = { ...embedded, speech: new Set() };
    expect(sessionLanguageGaps(noVoices, "en", ["es"])).toEqual([]);
    expect(languagesFor(noVoices, "en").languages.find((l) => l.code === "es")?.capability).toBe("captions");
  });

  it("names Amazon Translate in hybrid mode, and AWS's engines in the cloud", () => {
    const hybrid: EngineCatalogue = { ...embedded, home: "hybrid", translation: new Set(["en", "es"]) };
    expect(sessionLanguageGaps(hybrid, "en", ["ja"])).toEqual([
      "Japanese: no translation engine from English to Japanese in this home (Amazon Translate has es)",
    ]);
    const cloud: EngineCatalogue = { ...embedded, home: "aws", recognition: new Set(["en", "de"]) };
    expect(sessionLanguageGaps(cloud, "fr", [])).toEqual([
      "French: no speech recognition for French in this home (Amazon Transcribe recognizes en, de)",
    ]);
  });
});

describe("engine catalogue cache", () => {
  it("reads once per container within the TTL, again after it, and does not keep a failed read", async () => {
    let clock = 0;
    let reads = 0;
    let fail = false;
    const cached = cachedEngineCatalogue(
      async () => {
        reads++;
        if (fail) throw new Error("engine down");
        return embedded;
      },
      () => clock,
      1000,
    );
    await Promise.all([cached(), cached()]);
    expect(reads).toBe(1);
    clock = 999;
    await cached();
    expect(reads).toBe(1);
    clock = 1000;
    fail = true;
    await expect(cached()).rejects.toThrow("engine down");
    expect(reads).toBe(2);
    fail = false;
    await expect(cached()).resolves.toBe(embedded);
    expect(reads).toBe(3);
  });
});
