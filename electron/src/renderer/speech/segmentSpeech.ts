import type { LagController, RateDecision } from "./lagController.js";
import { SPEECH_SAMPLE_RATE, type SpeechVoice, type Synthesize } from "./pollySynthesizer.js";

export interface SpeechRequest {
  readonly segmentSeq: number;
  readonly language: string;
  /** The translation to speak. */
  readonly text: string;
  readonly voice: SpeechVoice;
  /** When the presenter finished saying the source (epoch ms): what the lag is measured from. */
  readonly sourceEndMs: number;
}

export interface SegmentSpeechEvents {
  /** Speech for one segment, in segment order per language. */
  play(segmentSeq: number, language: string, samples: Float32Array, sampleRate: number): void;
  onSynthesized(segmentSeq: number, language: string, at: number): void;
  onFailed(segmentSeq: number, language: string, message: string): void;
}

/** How many segment-and-language keys are remembered against repeats. */
const KEYS_KEPT = 400;

/**
 * The console's speech of translated segments: one synthesis per segment and language, at
 * the speaking rate the lag controller picks, started at once (several may run at the same
 * time) but played in the order the translations arrived. A segment whose speech already
 * came as a binary frame from a server that still synthesizes is not spoken twice.
 */
export class SegmentSpeech {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly synthesize: Synthesize,
    private readonly lag: LagController,
    private readonly events: SegmentSpeechEvents,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Marks a segment and language as spoken; false when it already was. */
  private claim(segmentSeq: number, language: string): boolean {
    const key = `${segmentSeq}:${language}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > KEYS_KEPT) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  /** The server sent this segment's speech itself (binary frame): no synthesis for it. */
  spokenByServer(segmentSeq: number, language: string): boolean {
    return this.claim(segmentSeq, language);
  }

  /** Synthesizes and queues the speech; false when this segment and language was already handled. */
  speak(request: SpeechRequest): boolean {
    const { segmentSeq, language, text, voice, sourceEndMs } = request;
    if (!this.claim(segmentSeq, language)) return false;
    const decision = this.lag.chooseRate(language, { nowMs: this.now(), sourceEndMs, characters: text.length });
    const speech = this.synthesize(text, voice, decision.rate);
    speech.catch(() => undefined); // handled in turn below; no unhandled rejection meanwhile
    const previous = this.chains.get(language) ?? Promise.resolve();
    const next = previous.then(() => this.finish(request, decision, speech));
    this.chains.set(language, next);
    return true;
  }

  private async finish(request: SpeechRequest, decision: RateDecision, speech: Promise<Float32Array>): Promise<void> {
    const { segmentSeq, language, text, sourceEndMs } = request;
    let samples: Float32Array;
    try {
      samples = await speech;
    } catch (err) {
      this.lag.cancel(language, decision);
      this.events.onFailed(segmentSeq, language, (err as Error).message || String(err));
      return;
    }
    const at = this.now();
    this.events.onSynthesized(segmentSeq, language, at);
    this.lag.enqueue(language, {
      nowMs: at,
      sourceEndMs,
      decision,
      actualMs: (samples.length / SPEECH_SAMPLE_RATE) * 1000,
      characters: text.length,
    });
    this.events.play(segmentSeq, language, samples, SPEECH_SAMPLE_RATE);
  }

  /** Resolves when everything started so far has been played or has failed (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}
