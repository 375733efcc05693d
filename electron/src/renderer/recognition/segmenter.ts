import type { SegmentCloseReason } from "@babelcast/protocol";
import { type CommittedSegment, countingClock, type SegmentClock } from "./committedSegment.js";
import { midpoint, type TimedItem, type TimedResult } from "./timedResult.js";

/**
 * Turns stabilized partial results into committed segments as early as their words are
 * stable, so translation can start mid-sentence. Pure.
 *
 * - A segment closes at the last sentence end (. ? !) among the stable words, else at a
 *   clause boundary (, ; :) once it has `minClauseWords`, else at the last pause (a stable
 *   word followed, after `pauseSeconds` of audio without words, by another word) once it has
 *   `minPauseWords`, else when `maxWords` stable words wait, else when the first waiting
 *   stable word is `maxSeconds` old (audio time), else when every waiting word is stable
 *   (`minSettledWords`: the recognizer settled on the last word too, so the speaker paused). Pauses matter for recognizers without
 *   punctuation in partials (pocketsphinx): a speaker's pause is where a clause usually ends,
 *   and its words are stable long before the recognizer's final.
 * - A final result commits everything it holds, one segment per sentence.
 * - Words are committed by their place in time: nothing at or before the last committed word
 *   is ever committed again, whatever later results (or a renewed stream) repeat.
 * - The words after the committed ones form the live caption.
 * - Each segment is stamped with its commit time here, where the commit happens.
 */

export interface SegmenterOptions {
  readonly maxWords: number;
  readonly maxSeconds: number;
  readonly minClauseWords: number;
  /** Silence between two words (seconds of audio) that closes a segment... */
  readonly pauseSeconds: number;
  /** ...once the segment has this many words. */
  readonly minPauseWords: number;
  /**
   * Every word of a partial result stable, none waiting after them, closes a segment of this many
   * words: the recognizer has settled even on the last word, so the speaker has paused (the
   * embedded endpoint marks the last word stable only after a stretch of audio with no new word).
   */
  readonly minSettledWords: number;
}

export const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  maxWords: 12,
  // 1.2 s rather than 4 s: with pocketsphinx (no punctuation in partials) this cap closes many
  // segments. 1.5 s took a word's commit from 1.5 s to 0.95 s of audio after its end on the asr
  // bench's talk, for segments of 3 words (p50) instead of 7; 1.2 s, with words settled at pauses,
  // to 0.67 s (p99 1.3 s), still 3 words (docs/performance.md).
  maxSeconds: 1.2,
  minClauseWords: 4,
  pauseSeconds: 0.15,
  minPauseWords: 3,
  minSettledWords: 1,
};

export type SegmenterEvent =
  | { readonly kind: "segment"; readonly segment: CommittedSegment }
  | { readonly kind: "caption"; readonly text: string };

const SENTENCE_END = /^[.?!…]$/;
const CLAUSE_END = /^[,;:]$/;
// Half a centisecond absorbs rounding of item times between results.
const EPSILON = 0.005;

function render(items: readonly TimedItem[]): string {
  let text = "";
  for (const item of items) {
    if (item.type === "punctuation") text += item.content;
    else text += text === "" ? item.content : ` ${item.content}`;
  }
  return text;
}

const wordCount = (items: readonly TimedItem[]) => items.filter((i) => i.type === "pronunciation").length;

export class Segmenter {
  private readonly options: SegmenterOptions;
  private committedEnd = Number.NEGATIVE_INFINITY;
  private caption = "";
  private lastFresh: readonly TimedItem[] = [];

  constructor(
    options: Partial<SegmenterOptions> = {},
    private readonly clock: SegmentClock = countingClock(),
  ) {
    this.options = { ...DEFAULT_SEGMENTER_OPTIONS, ...options };
  }

  /** Session time of the end of the last committed word (−∞ before the first). */
  get committedUntil(): number {
    return this.committedEnd;
  }

  accept(result: TimedResult): SegmenterEvent[] {
    const fresh = this.uncommitted(result.items);
    const events: SegmenterEvent[] = [];
    if (!result.isPartial) {
      this.commitSentences(fresh, "final", events);
      this.lastFresh = [];
    } else {
      const rest = this.commitStable(fresh, events);
      this.lastFresh = rest;
    }
    this.updateCaption(render(this.lastFresh), events);
    return events;
  }

  /** At the end of a session: commits the words still waiting, stable or not. */
  flush(): SegmenterEvent[] {
    const events: SegmenterEvent[] = [];
    this.commitSentences(this.uncommitted(this.lastFresh), "end", events);
    this.lastFresh = [];
    this.updateCaption("", events);
    return events;
  }

  /** The items after the last committed word; punctuation goes with the word before it. */
  private uncommitted(items: readonly TimedItem[]): TimedItem[] {
    const out: TimedItem[] = [];
    let wordIsFresh = false;
    for (const item of items) {
      if (item.type === "pronunciation") wordIsFresh = midpoint(item) > this.committedEnd + EPSILON;
      if (wordIsFresh) out.push(item);
    }
    return out;
  }

  /** Commits what the stable prefix allows; returns the items left waiting. */
  private commitStable(fresh: TimedItem[], events: SegmenterEvent[]): TimedItem[] {
    const { maxWords, maxSeconds, minClauseWords, pauseSeconds, minPauseWords, minSettledWords } = this.options;
    let rest = fresh;
    for (;;) {
      let stableCount = 0;
      while (stableCount < rest.length && rest[stableCount]?.stable === true) stableCount++;
      const stable = rest.slice(0, stableCount);
      if (wordCount(stable) === 0) return rest;

      let cut = -1;
      let reason: SegmentCloseReason = "sentence";
      for (let i = stable.length - 1; i >= 0 && cut < 0; i--) {
        if (stable[i]?.type === "punctuation" && SENTENCE_END.test(stable[i]?.content ?? "")) cut = i;
      }
      if (cut < 0) {
        reason = "clause";
        for (let i = stable.length - 1; i >= 0 && cut < 0; i--) {
          const item = stable[i];
          if (
            item?.type === "punctuation" &&
            CLAUSE_END.test(item.content) &&
            wordCount(stable.slice(0, i)) >= minClauseWords
          )
            cut = i;
        }
      }
      if (cut < 0) {
        reason = "pause";
        for (let i = stable.length - 1; i >= 0 && cut < 0; i--) {
          const item = stable[i];
          if (item?.type !== "pronunciation" || wordCount(stable.slice(0, i + 1)) < minPauseWords) continue;
          // The next word, stable or not, shows the pause; punctuation right after the word goes with it.
          const after = rest.slice(i + 1);
          const next = after.find((x) => x.type === "pronunciation");
          if (next !== undefined && next.start - item.end >= pauseSeconds - EPSILON)
            cut = after[0]?.type === "punctuation" && i + 1 < stable.length ? i + 1 : i;
        }
      }
      if (cut < 0 && wordCount(stable) >= maxWords) {
        reason = "words";
        let words = 0;
        for (let i = 0; i < stable.length && cut < 0; i++) {
          if (stable[i]?.type === "pronunciation") words++;
          if (words === maxWords) cut = stable[i + 1]?.type === "punctuation" ? i + 1 : i;
        }
      }
      if (cut < 0) {
        const first = stable[0] as TimedItem;
        const latest = rest[rest.length - 1] as TimedItem;
        if (latest.end - first.start >= maxSeconds) {
          reason = "time";
          cut = stable.length - 1;
        }
      }
      if (cut < 0 && stable.length === rest.length && wordCount(stable) >= minSettledWords) {
        reason = "pause";
        cut = stable.length - 1;
      }
      if (cut < 0) return rest;
      if (reason === "sentence") this.commitSentences(stable.slice(0, cut + 1), "sentence", events);
      else this.commit(stable.slice(0, cut + 1), reason, events);
      rest = rest.slice(cut + 1);
    }
  }

  /** Commits items as one segment per sentence. */
  private commitSentences(items: readonly TimedItem[], reason: SegmentCloseReason, events: SegmenterEvent[]): void {
    let start = 0;
    items.forEach((item, i) => {
      if (item.type === "punctuation" && SENTENCE_END.test(item.content)) {
        this.commit(items.slice(start, i + 1), reason, events);
        start = i + 1;
      }
    });
    this.commit(items.slice(start), reason, events);
  }

  private commit(items: readonly TimedItem[], reason: SegmentCloseReason, events: SegmenterEvent[]): void {
    const words = items.filter((i) => i.type === "pronunciation");
    if (words.length === 0) return;
    const first = words[0] as TimedItem;
    const last = words[words.length - 1] as TimedItem;
    this.committedEnd = Math.max(this.committedEnd, last.end);
    const seq = this.clock.nextSeq();
    if (seq === undefined) return;
    const committedAt = this.clock.now();
    const { audioStartedAt } = this.clock;
    events.push({
      kind: "segment",
      segment: {
        seq,
        text: render(items),
        startTime: Math.max(0, first.start),
        endTime: Math.max(0, last.end),
        words: words.map((w) => ({ text: w.content, startTime: Math.max(0, w.start), endTime: Math.max(0, w.end) })),
        reason,
        committedAt,
        // A word cannot end after the moment it is committed (the audio start is an estimate).
        ...(audioStartedAt === undefined
          ? {}
          : { spokenEndAt: Math.min(committedAt, Math.round(audioStartedAt + Math.max(0, last.end) * 1000)) }),
      },
    });
  }

  private updateCaption(text: string, events: SegmenterEvent[]): void {
    if (text === this.caption) return;
    this.caption = text;
    events.push({ kind: "caption", text });
  }
}
