import { describe, expect, it } from "vitest";
import { earlierSegmentsOut } from "../../src/segmentJourney/captionOrder.js";

const stored = (entries: [number, string[]][]) => entries.map(([seq, languages]) => ({ seq, languages }));

describe("a segment's turn in a language", () => {
  it("comes when the language's mark has reached the segment before it", () => {
    expect(earlierSegmentsOut(5, "es", 4, [], 20)).toBe(true);
    expect(earlierSegmentsOut(0, "es", undefined, [], 20)).toBe(true);
  });

  it("waits while an earlier segment that goes out in the language is not out yet", () => {
    expect(earlierSegmentsOut(5, "es", 3, stored([[4, ["es", "fr"]]]), 20)).toBe(false);
  });

  it("waits for an earlier segment that has not arrived yet (it may go out in the language)", () => {
    expect(earlierSegmentsOut(5, "es", 2, stored([[4, ["fr"]]]), 20)).toBe(false);
  });

  it("does not wait for earlier segments that do not go out in the language", () => {
    expect(
      earlierSegmentsOut(
        5,
        "es",
        2,
        stored([
          [3, ["fr"]],
          [4, []],
        ]),
        20,
      ),
    ).toBe(true);
    // The first Spanish listener joined at segment 5: nothing earlier went out in Spanish.
    expect(
      earlierSegmentsOut(
        5,
        "es",
        undefined,
        stored([
          [0, []],
          [1, ["fr"]],
          [2, []],
          [3, []],
          [4, []],
        ]),
        20,
      ),
    ).toBe(true);
  });

  it("looks back only so far: older segments waited out long ago", () => {
    expect(
      earlierSegmentsOut(
        100,
        "es",
        10,
        stored([
          [95, []],
          [96, []],
          [97, []],
          [98, []],
          [99, []],
        ]),
        5,
      ),
    ).toBe(true);
  });
});
