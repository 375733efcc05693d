import { describe, expect, it } from "vitest";
import { parseStreamParams } from "../../src/transcribe/streamParams.js";

const q = (extra: Record<string, string> = {}) =>
  new URLSearchParams({ "language-code": "en-US", "media-encoding": "pcm", "sample-rate": "16000", ...extra });

describe("stream parameters", () => {
  it("accepts en-US 16 kHz PCM with stabilization and vocabulary", () => {
    const r = parseStreamParams(
      q({
        "enable-partial-results-stabilization": "true",
        "partial-results-stability": "medium",
        "vocabulary-name": "v1",
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      params: { stabilization: true, stability: "medium", vocabularyNames: ["v1"] },
    });
  });

  it("reads the vocabulary filter's name and method, mask when no method is given", () => {
    const named = (extra: Record<string, string>) => {
      const r = parseStreamParams(q(extra));
      return r.ok ? r.params.vocabularyFilter : "refused";
    };
    expect(named({ "vocabulary-filter-name": "f1", "vocabulary-filter-method": "remove" })).toEqual({
      name: "f1",
      method: "remove",
    });
    expect(named({ "vocabulary-filter-name": "f1" })).toEqual({ name: "f1", method: "mask" });
    expect(named({})).toBeUndefined();
  });

  it.each([
    [{ "language-code": "de-DE" }, /de-DE/],
    [{ "media-encoding": "flac" }, /flac/],
    [{ "sample-rate": "8000" }, /8000/],
    [{ "identify-language": "true" }, /identification is not available offline/],
    [{ "identify-multiple-languages": "true" }, /identification is not available offline/],
    [{ "partial-results-stability": "extreme" }, /high, medium or low/],
    [{ "vocabulary-filter-name": "f1", "vocabulary-filter-method": "blur" }, /mask, remove or tag/],
    [{ "vocabulary-filter-name": "has space" }, /not a valid name/],
  ])("refuses %o with a message naming the problem", (extra, message) => {
    const r = parseStreamParams(q(extra));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
