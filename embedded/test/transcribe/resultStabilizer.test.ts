import { describe, expect, it } from "vitest";
import { type Hypothesis, ResultStabilizer, type TranscribeResult } from "../../src/transcribe/resultStabilizer.js";

let ids = 0;
const stabilizer = (stability: "high" | "medium" | "low" = "high", stabilization = true) =>
  new ResultStabilizer({ stabilization, stability, newResultId: () => `r${++ids}` });

/** A hypothesis from "word@start-end" tokens. */
function hyp(text: string, final = false, utterance = 0): Hypothesis {
  return {
    final,
    utterance,
    words: text.split(" ").map((token) => {
      const [word, span] = token.split("@") as [string, string];
      const [start, end] = span.split("-").map(Number) as [number, number];
      return { word, start, end };
    }),
  };
}
const items = (r: TranscribeResult | undefined) => r?.Alternatives[0]?.Items ?? [];
const stableWords = (r: TranscribeResult | undefined) =>
  items(r)
    .filter((i) => i.Stable)
    .map((i) => i.Content);

describe("result stabilizer", () => {
  it("marks words stable once unchanged across consecutive hypotheses, never the last word", () => {
    const s = stabilizer("high");
    const first = s.accept(hyp("he@0.2-0.3 was@0.3-0.5"));
    expect(stableWords(first)).toEqual([]);
    const second = s.accept(hyp("he@0.2-0.3 was@0.3-0.5 not@0.5-0.9"));
    expect(stableWords(second)).toEqual([]);
    const third = s.accept(hyp("he@0.2-0.3 was@0.3-0.5 not@0.5-0.9 an@1.1-1.3"));
    expect(stableWords(third)).toEqual(["he", "was"]);
    expect(third?.IsPartial).toBe(true);
  });

  it("keeps a stable word even when the recognizer later revises it", () => {
    const s = stabilizer("high");
    s.accept(hyp("amis@1.0-1.5 john@1.6-2.0"));
    s.accept(hyp("amis@1.0-1.5 john@1.6-2.0 s@2.0-2.3"));
    s.accept(hyp("amis@1.0-1.5 john@1.6-2.0 s@2.0-2.3 will@2.3-2.5"));
    const final = s.accept(hyp("and@1.1-1.3 mr@1.3-1.6 john@1.6-2.0 dashwood@2.0-2.6", true));
    const words = items(final)
      .filter((i) => i.Type === "pronunciation")
      .map((i) => i.Content);
    expect(words).toEqual(["amis", "john", "dashwood"]);
    expect(items(final).every((i) => i.Stable)).toBe(true);
  });

  it("ends a final with a full stop and starts the next utterance under a new result id", () => {
    const s = stabilizer();
    const partial = s.accept(hyp("he@0.2-0.3"));
    const final = s.accept(hyp("he@0.2-0.3 was@0.3-0.5", true));
    expect(final?.IsPartial).toBe(false);
    expect(final?.ResultId).toBe(partial?.ResultId);
    expect(final?.Alternatives[0]?.Transcript).toBe("he was.");
    expect(items(final).at(-1)).toMatchObject({ Type: "punctuation", Content: "." });
    const next = s.accept(hyp("he@7.4-7.6", false, 1));
    expect(next?.ResultId).not.toBe(final?.ResultId);
  });

  it("stays silent when nothing changed", () => {
    const s = stabilizer("low");
    expect(s.accept(hyp("he@0.2-0.3 was@0.3-0.5"))).toBeDefined();
    expect(s.accept(hyp("he@0.2-0.3 was@0.3-0.5"))).toBeUndefined();
  });

  it("needs more agreeing hypotheses at low stability than at high", () => {
    const high = stabilizer("high");
    const low = stabilizer("low");
    const seq = ["a@0-1 b@1-2", "a@0-1 b@1-2 c@2-3", "a@0-1 b@1-2 c@2-3 d@3-4"];
    const h = seq.map((t) => high.accept(hyp(t)));
    const l = seq.map((t) => low.accept(hyp(t)));
    expect(stableWords(h[2])).toEqual(["a", "b"]);
    expect(stableWords(l[2])).toEqual([]);
  });

  it("omits Stable when stabilization is off", () => {
    const s = stabilizer("high", false);
    s.accept(hyp("a@0-1 b@1-2"));
    s.accept(hyp("a@0-1 b@1-2 c@2-3"));
    const r = s.accept(hyp("a@0-1 b@1-2 c@2-3 d@3-4"));
    expect(items(r).every((i) => i.Stable === undefined)).toBe(true);
  });
});
