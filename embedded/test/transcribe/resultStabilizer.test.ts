import { describe, expect, it } from "vitest";
import {
  type Hypothesis,
  ResultStabilizer,
  SETTLED_AFTER,
  type SettledRule,
  STABLE_AFTER,
  type TranscribeResult,
} from "../../src/transcribe/resultStabilizer.js";

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
    const n = STABLE_AFTER.high;
    // The same two words, then more words after them: stable on the n-th hypothesis that agrees.
    const texts = ["he@0.2-0.3 was@0.3-0.5", "he@0.2-0.3 was@0.3-0.5 not@0.5-0.9"];
    for (let i = 2; i < n; i++) texts.push(`${texts[1]} an@1.1-${1.1 + i / 10}`);
    const results = texts.map((t) => s.accept(hyp(t)));
    for (const r of results.slice(0, -1)) expect(stableWords(r)).toEqual([]);
    expect(stableWords(results.at(-1))).toEqual(["he", "was"]);
    expect(results.at(-1)?.IsPartial).toBe(true);
  });

  it("keeps a stable word even when the recognizer later revises it", () => {
    const s = stabilizer("high");
    for (let i = 0; i < STABLE_AFTER.high; i++) s.accept(hyp(`amis@1.0-1.5 john@1.6-2.0 s@2.0-${2.1 + i / 10}`));
    const final = s.accept(hyp("and@1.1-1.3 mr@1.3-1.6 john@1.6-2.0 dashwood@2.0-2.6", true));
    const words = items(final)
      .filter((i) => i.Type === "pronunciation")
      .map((i) => i.Content);
    expect(words).toEqual(["amis", "john", "dashwood"]);
    expect(items(final).every((i) => i.Stable)).toBe(true);
  });

  it("never changes a word once it was sent stable, nor drops or repeats words in the final, whatever the decoder revises", () => {
    // A decoder that keeps revising: each hypothesis re-guesses the words of the last 0.6 s from a
    // small vocabulary (seeded), so the stability rule is exercised on many random revisions.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const vocabulary = ["a", "the", "man", "men", "was", "is", "ill", "will"];
    for (let trial = 0; trial < 10; trial++) {
      const s = stabilizer("high");
      const truth: string[] = [];
      const sent: TranscribeResult[] = [];
      for (let step = 1; step <= 40; step++) {
        const end = step * 0.1;
        const words = [];
        for (let w = 0; w * 0.2 < end; w++) {
          const start = w * 0.2;
          const settled = start < end - 0.6 || random() < 0.7;
          if (truth[w] === undefined || !settled)
            truth[w] = vocabulary[Math.floor(random() * vocabulary.length)] as string;
          words.push({ word: truth[w] as string, start, end: Math.min(end, start + 0.2) });
        }
        // With the decoder's position, so that words also settle by the time heard after them.
        const r = s.accept({ final: step === 40, utterance: 0, position: end, words });
        if (r) sent.push(r);
      }
      const final = sent.at(-1) as TranscribeResult;
      expect(final.IsPartial).toBe(false);
      // Every stable item keeps its content and time in every later result of the utterance.
      sent.forEach((r, i) => {
        const stable = items(r).filter((item) => item.Stable && item.Type === "pronunciation");
        for (const later of sent.slice(i + 1)) {
          for (const item of stable) expect(items(later)).toContainEqual(item);
        }
      });
      // The final holds each word once, in time order.
      const times = items(final)
        .filter((i) => i.Type === "pronunciation")
        .map((i) => i.StartTime);
      expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
      expect(times.length).toBe(20);
    }
  });

  it("marks every word stable, the last one too, once 3 agreeing hypotheses have heard 0.1 s after it with no new word (a pause)", () => {
    const s = stabilizer("high");
    const { hypotheses, seconds } = SETTLED_AFTER.high as SettledRule;
    // The speaker stopped after "was" at 0.5 s; hypotheses keep coming from the audio after it.
    const at = (position: number) => ({ ...hyp("he@0.2-0.3 was@0.3-0.5"), position });
    const results = Array.from({ length: hypotheses }, (_, i) => s.accept(at(0.5 + (i * seconds) / (hypotheses - 1))));
    for (const r of results.slice(0, -1)) expect(stableWords(r)).not.toContain("was");
    expect(stableWords(results.at(-1))).toEqual(["he", "was"]);
    expect(results.at(-1)?.IsPartial).toBe(true);
  });

  it("does not settle words mid-phrase by the time heard after them: while a word follows, N hypotheses decide", () => {
    const s = stabilizer("high");
    const { hypotheses } = SETTLED_AFTER.high as SettledRule;
    let last: TranscribeResult | undefined;
    for (let i = 0; i < hypotheses; i++) {
      const end = 1.0 + i / 10; // "an" is still being spoken
      last = s.accept({ ...hyp(`he@0.2-0.3 was@0.3-0.5 an@0.8-${end}`), position: end }) ?? last;
    }
    expect(hypotheses).toBeLessThan(STABLE_AFTER.high);
    expect(stableWords(last)).toEqual([]);
  });

  it("leaves the last word unstable while the decoder has heard less than 0.1 s after it, however many hypotheses agree", () => {
    const s = stabilizer("high");
    const { seconds } = SETTLED_AFTER.high as SettledRule;
    let last: TranscribeResult | undefined;
    for (let i = 0; i < 10; i++) {
      const r = s.accept({
        ...hyp(`he@0.2-0.3 was@0.3-0.5 not@0.5-${0.6 + i / 100}`),
        position: 0.6 + seconds / 2 + i / 100,
      });
      if (r) last = r;
    }
    expect(stableWords(last)).toEqual(["he", "was"]);
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
    expect(STABLE_AFTER.high).toBeLessThan(STABLE_AFTER.medium);
    expect(STABLE_AFTER.medium).toBeLessThan(STABLE_AFTER.low);
    const high = stabilizer("high");
    const low = stabilizer("low");
    const seq = Array.from({ length: STABLE_AFTER.high }, (_, i) => `a@0-1 b@1-2 c@2-${2.1 + i / 10}`);
    const h = seq.map((t) => high.accept(hyp(t)));
    const l = seq.map((t) => low.accept(hyp(t)));
    expect(stableWords(h.at(-1))).toEqual(["a", "b"]);
    expect(stableWords(l.at(-1))).toEqual([]);
  });

  it("omits Stable when stabilization is off", () => {
    const s = stabilizer("high", false);
    s.accept(hyp("a@0-1 b@1-2"));
    s.accept(hyp("a@0-1 b@1-2 c@2-3"));
    const r = s.accept(hyp("a@0-1 b@1-2 c@2-3 d@3-4"));
    expect(items(r).every((i) => i.Stable === undefined)).toBe(true);
  });
});
