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

  it.each([
    [{ "language-code": "de-DE" }, /de-DE/],
    [{ "media-encoding": "flac" }, /flac/],
    [{ "sample-rate": "8000" }, /8000/],
    [{ "identify-language": "true" }, /identification is not available offline/],
    [{ "identify-multiple-languages": "true" }, /identification is not available offline/],
    [{ "partial-results-stability": "extreme" }, /high, medium or low/],
  ])("refuses %o with a message naming the problem", (extra, message) => {
    const r = parseStreamParams(q(extra));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
