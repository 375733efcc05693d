import { describe, expect, it } from "vitest";
import { applyResultFilter, resultFilter } from "../../src/transcribe/resultFilter.js";
import type { TranscribeItem, TranscribeResult } from "../../src/transcribe/resultStabilizer.js";

const word = (Content: string, t: number): TranscribeItem => ({
  StartTime: t,
  EndTime: t + 0.3,
  Type: "pronunciation",
  Content,
  VocabularyFilterMatch: false,
  Stable: true,
});
const final: TranscribeResult = {
  ResultId: "r1",
  StartTime: 0,
  EndTime: 1.2,
  IsPartial: false,
  Alternatives: [
    {
      Transcript: "he was a Young man.",
      Items: [
        word("he", 0),
        word("was", 0.3),
        word("a", 0.6),
        word("Young", 0.9),
        word("man", 1.2),
        { StartTime: 1.5, EndTime: 1.5, Type: "punctuation", Content: ".", VocabularyFilterMatch: false },
      ],
    },
  ],
};
const alt = (r: TranscribeResult) => r.Alternatives[0];

describe("vocabulary filter on a result", () => {
  it("masks whole words of the list in any case with *** and flags them", () => {
    const r = alt(applyResultFilter(final, resultFilter(["young", "MAN", "ma"], "mask")));
    expect(r?.Transcript).toBe("he was a *** ***.");
    expect(r?.Items.filter((i) => i.VocabularyFilterMatch).map((i) => i.StartTime)).toEqual([0.9, 1.2]);
  });

  it("removes the words of the list, items and transcript alike", () => {
    const r = alt(applyResultFilter(final, resultFilter(["young", "he"], "remove")));
    expect(r?.Transcript).toBe("was a man.");
    expect(r?.Items.map((i) => i.Content)).toEqual(["was", "a", "man", "."]);
  });

  it("tags the words of the list and leaves the text as it was", () => {
    const r = alt(applyResultFilter(final, resultFilter(["young"], "tag")));
    expect(r?.Transcript).toBe("he was a Young man.");
    expect(r?.Items.find((i) => i.Content === "Young")?.VocabularyFilterMatch).toBe(true);
    expect(r?.Items.filter((i) => i.VocabularyFilterMatch)).toHaveLength(1);
  });
});
