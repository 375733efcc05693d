import { describe, expect, it } from "vitest";
import { ApiFailure } from "../../src/services/apiErrors.js";
import { languagesAfterSourceChange, segmentSource } from "../../src/services/sourceLanguageChange.js";

const session = { sourceLanguage: "en", targetLanguages: ["es", "fr"] };

describe("languages after a source change", () => {
  it("takes the new source out of the targets and adds the old one while listeners are on it", () => {
    expect(languagesAfterSourceChange(session, "es", undefined, true)).toEqual({
      sourceLanguage: "es",
      targetLanguages: ["fr", "en"],
    });
  });

  it("leaves the old source out when nobody listens to it", () => {
    expect(languagesAfterSourceChange(session, "es", undefined, false).targetLanguages).toEqual(["fr"]);
  });

  it("starts from the targets the same update asks for", () => {
    expect(languagesAfterSourceChange(session, "de", ["it"], true).targetLanguages).toEqual(["it", "en"]);
  });

  it("refuses targets that name the new source", () => {
    expect(() => languagesAfterSourceChange(session, "es", ["es"], true)).toThrow(/new source language es/);
  });

  it("refuses to push the old source past the 20 targets a session may have, naming the language", () => {
    const full = {
      sourceLanguage: "en",
      targetLanguages: ["es", "fr", "de", "it", "pt", "nl", "pl", "ru", "uk", "tr", "ar", "he"].concat([
        "hi",
        "bn",
        "ja",
        "ko",
        "zh",
        "vi",
        "th",
        "id",
      ]),
    };
    const attempt = () =>
      languagesAfterSourceChange(
        { ...full, targetLanguages: full.targetLanguages.slice(1).concat("sv") },
        "ca",
        undefined,
        true,
      );
    expect(attempt).toThrow(ApiFailure);
    expect(attempt).toThrow(/listeners are on English.*20 targets/);
  });
});

describe("a segment's source language", () => {
  it("is its own when it carries one, the session's otherwise", () => {
    expect(segmentSource({ sourceLanguage: "en" }, { sourceLanguage: "es" })).toBe("en");
    expect(segmentSource({}, { sourceLanguage: "es" })).toBe("es");
  });
});
