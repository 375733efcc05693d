import type { PartialResultsStability } from "./streamParams.js";

/**
 * Turns the recognizer's raw hypotheses into Transcribe `Result`s. Pure.
 *
 * pocketsphinx revises the tail of its hypothesis as audio arrives and has no notion of
 * stability, so it is derived: a word is `Stable` once the words up to it have been the same
 * across N consecutive hypotheses (N from `partial-results-stability`), never the last word
 * while it may still be spoken; at a pause the whole hypothesis, last word included, settles
 * sooner (`SettledRule`). Transcribe's `Stable` item says the word will not change when the segment is complete
 * (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_streaming_Item.html,
 * https://docs.aws.amazon.com/transcribe/latest/dg/streaming-partial-results.html), so a stable
 * word never changes afterwards here either, by construction: it is locked, and later
 * hypotheses (the final one included) only contribute words after the locked ones, even when
 * the decoder has since revised it. The price of a word locked too soon is an error in the
 * transcript, not a change the client sees; N is chosen to keep that price low (below).
 */

export interface RecognizedWord {
  readonly word: string;
  /** Seconds from the start of the stream. */
  readonly start: number;
  readonly end: number;
}

export interface Hypothesis {
  readonly final: boolean;
  /** Utterance number within the stream; a new number starts a new result. */
  readonly utterance: number;
  /** Seconds of the stream the decoder had consumed when it took this hypothesis (audio-time replays). */
  readonly position?: number;
  readonly words: readonly RecognizedWord[];
}

/** Transcribe's `Item` as it goes on the wire. */
export interface TranscribeItem {
  StartTime: number;
  EndTime: number;
  Type: "pronunciation" | "punctuation";
  Content: string;
  VocabularyFilterMatch: boolean;
  Stable?: boolean;
}

/** Transcribe's `Result` as it goes on the wire. */
export interface TranscribeResult {
  ResultId: string;
  StartTime: number;
  EndTime: number;
  IsPartial: boolean;
  LanguageCode?: string;
  Alternatives: { Transcript: string; Items: TranscribeItem[] }[];
}

/**
 * Consecutive unchanged hypotheses (one per `transcribe.partialMs`, 100 ms of audio) before a word
 * counts as stable. "high" stabilizes soonest and "low" is the most accurate, as on AWS
 * (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_streaming_StartStreamTranscription.html,
 * PartialResultsStability). With 3 for high, pocketsphinx later revised one locked word in five
 * and the locked words raised the word error rate of the asr bench's talk from 0.27 (the
 * finals alone) to 0.34; with 5 it fell to 0.26, each word stable 0.2 s later
 * (docs/performance.md).
 */
export const STABLE_AFTER: Record<PartialResultsStability, number> = { high: 5, medium: 6, low: 8 };

export interface ResultStabilizerOptions {
  readonly stabilization: boolean;
  readonly stability: PartialResultsStability;
  /** A fresh id per utterance (a UUID on AWS). */
  readonly newResultId: () => string;
  /** Replaces the level's number of hypotheses (benches compare rules). */
  readonly stableAfter?: number;
  /** Replaces the level's settled rule (benches compare rules); `null` turns it off. */
  readonly settled?: SettledRule | null;
}

/**
 * A second way for words to become stable, at a pause: the whole tail, its last word included,
 * agrees across `hypotheses` consecutive hypotheses and the decoder has heard `seconds` of audio
 * after the last word with no word after it. The speaker has paused and the decoder has settled
 * on what was said; without this the last word of a phrase waited for the utterance's final
 * (0.3 s of pause plus the second pass). Mid-phrase, N alone decides. Needs the hypotheses'
 * `position`.
 */
export interface SettledRule {
  readonly hypotheses: number;
  readonly seconds: number;
}

/**
 * For `high`: 3 agreeing hypotheses and 0.1 s of audio after the last word. Replayed on the asr
 * bench's talk (docs/performance.md), with the segmenter's 1.2 s cap, it took a segment's last
 * word from 550 to 190 ms of audio after its end to its commit (p50; p99 1,390 → 1,080), a word
 * from 950 to 670 ms, for a word error rate of 0.254 against 0.257. The same rule applied
 * mid-phrase too (4 hypotheses) raised the rate to 0.264–0.272. Slower levels ask more.
 */
export const SETTLED_AFTER: Record<PartialResultsStability, SettledRule | null> = {
  high: { hypotheses: 3, seconds: 0.1 },
  medium: { hypotheses: 5, seconds: 0.2 },
  low: { hypotheses: 7, seconds: 0.3 },
};

const round = (t: number) => Math.round(t * 1000) / 1000;
const midpoint = (w: RecognizedWord) => (w.start + w.end) / 2;

export class ResultStabilizer {
  private utterance = -1;
  private resultId = "";
  private locked: RecognizedWord[] = [];
  private history: string[][] = [];
  private lastSent = "";

  constructor(private readonly options: ResultStabilizerOptions) {}

  /** The result to send for this hypothesis, or undefined when nothing changed. */
  accept(hyp: Hypothesis): TranscribeResult | undefined {
    if (hyp.utterance !== this.utterance) this.startUtterance(hyp.utterance);
    const lockedEnd = this.locked.at(-1)?.end ?? Number.NEGATIVE_INFINITY;
    const tail = hyp.words.filter((w) => midpoint(w) > lockedEnd);

    if (hyp.final) {
      const words = [...this.locked, ...tail];
      const result = words.length > 0 ? this.result(words, words.length, false) : undefined;
      this.startUtterance(hyp.utterance + 1);
      return result;
    }
    if (this.options.stabilization) this.lockStablePrefix(tail, hyp.position);
    const lockedEndNow = this.locked.at(-1)?.end ?? Number.NEGATIVE_INFINITY;
    const words = [...this.locked, ...tail.filter((w) => midpoint(w) > lockedEndNow)];
    if (words.length === 0) return undefined;
    const result = this.result(words, this.locked.length, true);
    const key = JSON.stringify(result.Alternatives[0]?.Items.map((i) => [i.Content, i.Stable]));
    if (key === this.lastSent) return undefined;
    this.lastSent = key;
    return result;
  }

  private startUtterance(utterance: number): void {
    this.utterance = utterance;
    this.resultId = this.options.newResultId();
    this.locked = [];
    this.history = [];
    this.lastSent = "";
  }

  private lockStablePrefix(tail: readonly RecognizedWord[], position: number | undefined): void {
    const n = this.options.stableAfter ?? STABLE_AFTER[this.options.stability];
    const settled = this.options.settled === undefined ? SETTLED_AFTER[this.options.stability] : this.options.settled;
    this.history.push(tail.map((w) => w.word));
    const keep = Math.max(n, settled?.hypotheses ?? 0);
    if (this.history.length > keep) this.history.shift();
    const agreeing = (count: number, limit: number, accept: (w: RecognizedWord) => boolean) => {
      if (this.history.length < count) return 0;
      const recent = this.history.slice(-count);
      let agreed = 0;
      while (
        agreed < limit &&
        accept(tail[agreed] as RecognizedWord) &&
        recent.every((h) => h[agreed] === tail[agreed]?.word)
      )
        agreed++;
      return agreed;
    };
    // The last word is still being spoken, as far as the count of hypotheses can tell.
    let agreed = agreeing(n, tail.length - 1, () => true);
    if (settled && position !== undefined) {
      const heard = agreeing(settled.hypotheses, tail.length, (w) => w.end <= position - settled.seconds + 1e-6);
      // Only a whole tail, at a pause: applied mid-phrase too (K = 4), it raised the error rate.
      if (heard === tail.length) agreed = Math.max(agreed, heard);
    }
    if (agreed === 0) return;
    this.locked.push(...tail.slice(0, agreed));
    // Later hypotheses are compared from the first word after the locked ones.
    this.history = this.history.map((h) => h.slice(agreed));
  }

  private result(words: readonly RecognizedWord[], stableCount: number, partial: boolean): TranscribeResult {
    const stabilization = this.options.stabilization;
    const items: TranscribeItem[] = words.map((w, i) => ({
      StartTime: round(w.start),
      EndTime: round(w.end),
      Type: "pronunciation",
      Content: w.word,
      VocabularyFilterMatch: false,
      ...(stabilization ? { Stable: i < stableCount } : {}),
    }));
    const last = words.at(-1) as RecognizedWord;
    // Transcribe ends a finished utterance with a full stop; pocketsphinx has no punctuation.
    if (!partial) {
      items.push({
        StartTime: round(last.end),
        EndTime: round(last.end),
        Type: "punctuation",
        Content: ".",
        VocabularyFilterMatch: false,
        ...(stabilization ? { Stable: true } : {}),
      });
    }
    return {
      ResultId: this.resultId,
      StartTime: round(words[0]?.start ?? 0),
      EndTime: round(last.end),
      IsPartial: partial,
      LanguageCode: "en-US",
      Alternatives: [{ Transcript: `${words.map((w) => w.word).join(" ")}${partial ? "" : "."}`, Items: items }],
    };
  }
}
