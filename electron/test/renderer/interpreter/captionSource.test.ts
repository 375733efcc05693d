import { describe, expect, it } from "vitest";
import { captionSourceText, interpreterCaptionSource } from "../../../src/renderer/interpreter/captionSource.js";

const offline = {
  languages: [
    { code: "en", englishName: "English", nativeName: "English", recognition: { available: true } },
    {
      code: "es",
      englishName: "Spanish",
      nativeName: "Español",
      recognition: {
        available: false,
        reason: "no speech recognition for Spanish in this home (embedded pocketsphinx recognizes en)",
      },
    },
  ],
};

describe("interpreterCaptionSource", () => {
  it("keeps machine translation where the home's recognizer does not hear the language, and says why", () => {
    const source = interpreterCaptionSource(offline, "es");
    expect(source).toEqual({ kind: "translation", reason: expect.stringMatching(/pocketsphinx recognizes en/) });
    expect(captionSourceText("es", source)).toBe(
      "Captions for Spanish come from machine translation: no speech recognition for Spanish in this home (embedded pocketsphinx recognizes en).",
    );
  });

  it("allows recognition where the recognizer hears the language", () => {
    expect(interpreterCaptionSource(offline, "en")).toEqual({ kind: "recognition" });
  });

  it("stays with machine translation while the languages are not loaded", () => {
    expect(interpreterCaptionSource(undefined, "es").kind).toBe("translation");
  });
});
