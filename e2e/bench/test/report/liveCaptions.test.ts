import { describe, expect, it } from "vitest";
import { liveCaptions } from "../../report/liveCaptions.js";

const joined = 10_000;

describe("live captions at a listener", () => {
  it("leaves out captions of phrases that ended before the listener subscribed, and counts them", () => {
    const result = liveCaptions(
      [
        { seq: 1, language: "es", spokenEndAt: 2_000, at: 10_500 },
        { seq: 2, language: "es", spokenEndAt: 9_000, at: 10_600 },
        { seq: 3, language: "es", spokenEndAt: 12_000, at: 12_700 },
      ],
      "es",
      joined,
    );
    expect(result.samples).toEqual([{ seq: 3, spokenEndAt: 12_000, atMs: 12_700, lagMs: 700 }]);
    expect(result.spokenBeforeListening).toBe(2);
  });

  it("counts a caption that came by the feed and by the replay once, at its first arrival", () => {
    const result = liveCaptions(
      [
        { seq: 4, language: "es", spokenEndAt: 20_000, at: 21_500 },
        { seq: 4, language: "es", spokenEndAt: 20_000, at: 20_600 },
      ],
      "es",
      joined,
    );
    expect(result.samples).toEqual([{ seq: 4, spokenEndAt: 20_000, atMs: 20_600, lagMs: 600 }]);
  });

  it("keeps a phrase spoken while listening even when only the replay brought it", () => {
    const result = liveCaptions([{ seq: 5, language: "es", spokenEndAt: 30_000, at: 34_000 }], "es", joined);
    expect(result.samples).toEqual([{ seq: 5, spokenEndAt: 30_000, atMs: 34_000, lagMs: 4_000 }]);
    expect(result.spokenBeforeListening).toBe(0);
  });

  it("ignores other languages and captions without a spoken end", () => {
    const result = liveCaptions(
      [
        { seq: 6, language: "fr", spokenEndAt: 40_000, at: 40_500 },
        { seq: 7, language: "es", at: 41_000 },
      ],
      "es",
      joined,
    );
    expect(result.samples).toEqual([]);
    expect(result.spokenBeforeListening).toBe(0);
  });
});
