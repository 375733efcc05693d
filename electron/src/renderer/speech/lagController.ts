/**
 * Bounded lag: keeps each language's synthesized speech from falling ever further behind
 * the presenter. Translations often run longer than the source (Spanish ≈ 1.2–1.4× English
 * at the same speaking speed); played back to back at the normal rate, that surplus piles
 * up in the console's speech queue for the whole talk.
 *
 * It lives in the console, the one process that plays the tracks (moved from the backend,
 * whose containers could not share its state). It models each language's queue (speech
 * plays one segment after the other, each starting when it is ready or when the previous
 * ends) and, before each synthesis, picks the slowest speaking rate (1 … maxRate) at which the segment would end
 * no later than `targetShare · maxDelaySeconds` behind the end of its source speech. The
 * rate goes to Polly as SSML `<prosody rate>` (to eSpeak NG as its speed). The speech's
 * natural length is estimated from its characters, learning each language's characters per
 * second from what was synthesized. Pure: time comes in as arguments.
 */

export interface LagSettings {
  /** The delay behind the presenter the pipeline must stay within, seconds. */
  readonly maxDelaySeconds: number;
  /** Fastest speaking rate it may ask for (1.5 = 150 %). 1 switches control off. */
  readonly maxRate: number;
  /** Share of the bound it aims at, leaving the rest for estimation error and engine latency. */
  readonly targetShare: number;
  /** Speaking speed assumed for a language before any speech was measured, characters per second. */
  readonly initialCharsPerSecond: number;
}

export const DEFAULT_LAG_SETTINGS: LagSettings = {
  maxDelaySeconds: 8,
  maxRate: 1.5,
  targetShare: 0.6,
  initialCharsPerSecond: 14,
};

interface LanguageQueue {
  playEndMs: number;
  reservedMs: number;
  charsPerSecond: number;
}

export interface RateDecision {
  /** Speaking rate to synthesize at, 1 … maxRate. */
  readonly rate: number;
  /** Expected playing time at that rate, ms (hand back to `enqueue` or `cancel`). */
  readonly estimatedMs: number;
}

export class LagController {
  private readonly queues = new Map<string, LanguageQueue>();

  constructor(readonly settings: LagSettings = DEFAULT_LAG_SETTINGS) {}

  private queue(language: string): LanguageQueue {
    let q = this.queues.get(language);
    if (!q) {
      q = { playEndMs: 0, reservedMs: 0, charsPerSecond: this.settings.initialCharsPerSecond };
      this.queues.set(language, q);
    }
    return q;
  }

  /** Speech still queued at `nowMs` (modelled playback plus segments being synthesized), ms. */
  queuedMs(language: string, nowMs: number): number {
    const q = this.queue(language);
    return Math.max(0, q.playEndMs - nowMs) + q.reservedMs;
  }

  /** Picks the rate for a segment of `characters` whose source speech ended at `sourceEndMs`. */
  chooseRate(language: string, input: { nowMs: number; sourceEndMs: number; characters: number }): RateDecision {
    const q = this.queue(language);
    const naturalMs = (input.characters / q.charsPerSecond) * 1000;
    const targetMs = this.settings.maxDelaySeconds * this.settings.targetShare * 1000;
    const budgetMs = targetMs - (input.nowMs - input.sourceEndMs) - this.queuedMs(language, input.nowMs);
    const wanted = budgetMs > 0 ? naturalMs / budgetMs : Number.POSITIVE_INFINITY;
    const rate = Math.round(Math.min(this.settings.maxRate, Math.max(1, wanted)) * 100) / 100;
    const estimatedMs = naturalMs / rate;
    q.reservedMs += estimatedMs;
    return { rate, estimatedMs };
  }

  /**
   * The segment's speech is ready at `nowMs`: it plays after what is queued.
   * Returns the modelled delay behind the presenter when it finishes, ms.
   */
  enqueue(
    language: string,
    input: {
      nowMs: number;
      sourceEndMs: number;
      decision: RateDecision;
      actualMs: number;
      characters: number;
    },
  ): number {
    const q = this.queue(language);
    q.reservedMs = Math.max(0, q.reservedMs - input.decision.estimatedMs);
    q.playEndMs = Math.max(input.nowMs, q.playEndMs) + input.actualMs;
    if (input.actualMs > 0 && input.characters > 0) {
      const measured = input.characters / ((input.actualMs * input.decision.rate) / 1000);
      q.charsPerSecond = 0.7 * q.charsPerSecond + 0.3 * measured;
    }
    return q.playEndMs - input.sourceEndMs;
  }

  /** The segment will have no speech (synthesis failed): release what was reserved for it. */
  cancel(language: string, decision: RateDecision): void {
    const q = this.queue(language);
    q.reservedMs = Math.max(0, q.reservedMs - decision.estimatedMs);
  }
}
