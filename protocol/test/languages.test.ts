import { describe, expect, it } from "vitest";
import { KnownLanguage, LANGUAGE_CODES, languageInfo } from "../src/languages.js";

describe("language table", () => {
  it("covers the listener page's five interface languages with Polly voices", () => {
    for (const code of ["en", "es", "fr", "de", "pt"]) {
      const info = languageInfo(code);
      expect(info?.polly?.voiceId, code).toBeTruthy();
      expect(info?.nativeName, code).toBeTruthy();
    }
  });

  it("offers an embedded translation route for Spanish and a recognizer for English only", () => {
    expect(languageInfo("es")?.embedded.translateFromEnglish).toEqual(["eng-spa"]);
    expect(LANGUAGE_CODES.filter((c) => languageInfo(c)?.embedded.recognize)).toEqual(["en"]);
  });

  it("rejects unknown language codes with the list of supported ones", () => {
    const result = KnownLanguage.safeParse("xx");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain("supported: en, es");
  });
});
