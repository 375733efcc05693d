import { describe, expect, it } from "vitest";
import { declaredInterpretedCaptions, segmentLanguages } from "../../src/services/interpretedCaptions.js";

const session = { targetLanguages: ["es", "fr"], interpretedCaptions: ["es"] };

describe("segmentLanguages", () => {
  it("leaves the interpreted languages out of a floor segment", () => {
    expect(segmentLanguages(session, ["en", "es", "fr"], undefined)).toEqual({ ok: true, languages: ["en", "fr"] });
  });

  it("translates into every listened language when none is interpreted", () => {
    expect(segmentLanguages({ targetLanguages: ["es"] }, ["en", "es"], undefined)).toEqual({
      ok: true,
      languages: ["en", "es"],
    });
  });

  it("captions an interpreter's segment in its language only, listened to or not", () => {
    expect(segmentLanguages(session, ["en", "fr"], "es")).toEqual({ ok: true, languages: ["es"] });
  });

  it("refuses an interpreter's segment in a language not declared interpreted, or not offered", () => {
    expect(segmentLanguages(session, ["fr"], "fr")).toMatchObject({ ok: false, reason: /not interpreted now/ });
    expect(segmentLanguages(session, ["de"], "de")).toMatchObject({ ok: false, reason: /not a target language/ });
  });
});

describe("declaredInterpretedCaptions", () => {
  it("keeps the session's targets once each, sorted", () => {
    expect(declaredInterpretedCaptions(session, ["fr", "es", "fr"])).toEqual({ ok: true, languages: ["es", "fr"] });
  });

  it("refuses a language the session does not offer", () => {
    expect(declaredInterpretedCaptions(session, ["es", "de"])).toMatchObject({ ok: false, reason: /de/ });
  });
});
