import { LanguagesResponse, SessionOwnerView } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

/**
 * Issue #20.7 on the real embedded server: the catalogue comes from its own engines (Apertium's
 * ListLanguages, eSpeak NG's voices through DescribeVoices, the recognizer's English), each call
 * made with the owner function's role; a session the home cannot serve is refused up front.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { sessionsPerOwnerPerHour: 1000 } });
});
afterAll(async () => {
  await h?.stop();
});

async function sessionCount(): Promise<number> {
  return (await h.api("GET", "/sessions", undefined, h.ownerToken)).json.sessions.length;
}

describe("GET /languages", () => {
  it("says per language what the offline engines can do from English, naming the missing engine", async () => {
    const res = await h.api("GET", "/languages?source=en", undefined, h.ownerToken);
    expect(res.status, res.text).toBe(200);
    const body = LanguagesResponse.parse(res.json);
    expect(body.engineHome).toBe("embedded");
    const by = new Map(body.languages.map((l) => [l.code, l]));
    for (const code of ["es", "fr", "pt", "ca", "it"]) expect(by.get(code)?.capability, code).toBe("speech");
    for (const code of ["de", "ja", "nl", "ru", "zh"]) {
      expect(by.get(code)?.capability, code).toBe("unavailable");
      expect(by.get(code)?.reason).toMatch(
        /no translation engine from English to .* \(embedded Apertium has es, fr, pt, ca, it\)/,
      );
    }
    expect(by.get("ja")?.reason).toContain("Japanese");
    // Only English is heard; the source itself has no target capability.
    expect(body.languages.filter((l) => l.recognition.available).map((l) => l.code)).toEqual(["en"]);
    expect(by.get("es")?.recognition.reason).toMatch(
      /no speech recognition for Spanish .*embedded pocketsphinx recognizes en/,
    );
    expect(by.get("en")?.capability).toBeUndefined();
  });

  it("is an owner route: refuses a caller without the owner token", async () => {
    const res = await h.api("GET", "/languages?source=en");
    expect(res.status).toBe(401);
  });

  it("answers 400 for a source that is not a language", async () => {
    const res = await h.api("GET", "/languages?source=xx", undefined, h.ownerToken);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/source/);
  });
});

describe("sessions this home cannot serve", () => {
  it("refuses a Japanese target with a 400 naming the missing engine, and creates nothing", async () => {
    const before = await sessionCount();
    const res = await h.api(
      "POST",
      "/sessions",
      { title: "Keynote", sourceLanguage: "en", targetLanguages: ["es", "ja"] },
      h.ownerToken,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("LanguageUnavailable");
    expect(res.json.error.message).toContain(
      "Japanese: no translation engine from English to Japanese in this home (embedded Apertium has es, fr, pt, ca, it)",
    );
    expect(res.json.error.message).not.toContain("Spanish:");
    expect(await sessionCount()).toBe(before);
  });

  it("refuses a Spanish source: the offline recognizer hears English only", async () => {
    const before = await sessionCount();
    const res = await h.api(
      "POST",
      "/sessions",
      { title: "Charla", sourceLanguage: "es", targetLanguages: ["fr"] },
      h.ownerToken,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(
      /Spanish: no speech recognition for Spanish in this home \(embedded pocketsphinx/,
    );
    expect(await sessionCount()).toBe(before);
  });

  it("accepts Spanish from English", async () => {
    const res = await h.api(
      "POST",
      "/sessions",
      { title: "Keynote", sourceLanguage: "en", targetLanguages: ["es"] },
      h.ownerToken,
    );
    expect(res.status, res.text).toBe(201);
    expect(SessionOwnerView.parse(res.json).targetLanguages).toEqual(["es"]);
  });

  it("refuses a PATCH adding German with a 400 and leaves the languages as they were", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Keynote", sourceLanguage: "en", targetLanguages: ["fr"] },
      h.ownerToken,
    );
    const id = SessionOwnerView.parse(created.json).id;
    const res = await h.api(
      "PATCH",
      `/sessions/${id}`,
      { targetLanguages: ["fr", "de"], title: "Renamed" },
      h.ownerToken,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain("German: no translation engine from English to German");
    const after = (await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken)).json;
    expect(after).toMatchObject({ targetLanguages: ["fr"], title: "Keynote" });
  });
});
