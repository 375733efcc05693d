import { describe, expect, it } from "vitest";
import { delaySeconds, smoothDelay } from "../../src/captions/delay.js";

describe("delaySeconds", () => {
  it("is the time from the end of the words to the caption's arrival, to 0.1 s", () => {
    expect(delaySeconds(10_000, 12_345)).toBe(2.3);
  });

  it("is unknown without a spoken time", () => {
    expect(delaySeconds(undefined, 12_345)).toBeNull();
  });

  it("reads a caption slightly early (clock skew) as no delay", () => {
    expect(delaySeconds(10_500, 10_000)).toBe(0);
  });

  it("refuses figures only a wrong clock produces", () => {
    expect(delaySeconds(20_000, 10_000)).toBeNull();
    expect(delaySeconds(0, 10 * 60_000)).toBeNull();
  });
});

describe("smoothDelay", () => {
  it("starts at the first figure and then moves a part of the way", () => {
    expect(smoothDelay(null, 2)).toBe(2);
    expect(smoothDelay(2, 4)).toBe(2.6);
  });

  it("keeps the last figure when a caption has none", () => {
    expect(smoothDelay(1.5, null)).toBe(1.5);
  });
});
