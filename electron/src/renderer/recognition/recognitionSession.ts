import type { Result } from "@aws-sdk/client-transcribe-streaming";
import { AudioQueue } from "./audioQueue.js";
import { AudioTimeline } from "./audioTimeline.js";
import { placeResult, type TimedResult } from "./timedResult.js";
import type { TranscriptStreamStarter } from "./transcribeClient.js";

/**
 * Keeps one recognition going for a whole session over successive Transcribe streams.
 *
 * A stream is renewed before Transcribe's 4-hour limit (at the next pause once it is due)
 * and after a network error. The session keeps the last `keepSeconds` of audio. The
 * handover point is the end of the last word the old stream settled (final, or stable); the
 * next stream hears the kept audio again from a little before that point, so nothing the old
 * stream had not settled is lost, and its words that start before the point (by item
 * timestamps) are dropped, so nothing is repeated. A replaced stream is first fed a little
 * silence to finish the word in progress.
 */

export interface RecognitionSessionOptions {
  readonly start: TranscriptStreamStarter;
  readonly sampleRate?: number;
  /** Renew a stream after this much of its audio (Transcribe ends streams at 4 hours). */
  readonly renewAfterSeconds?: number;
  /** Once due, wait at most this long for a pause before renewing anyway. */
  readonly pauseWaitSeconds?: number;
  /** Audio without results after a final that counts as a pause the stream has kept up with. */
  readonly pauseSeconds?: number;
  /** Audio a new stream hears from before the handover point, for context. */
  readonly overlapSeconds?: number;
  /** Audio kept to be heard again by the next stream (covers recognizer lag and reconnects). */
  readonly keepSeconds?: number;
  /** Most silence fed to a replaced stream to finish its last words. */
  readonly drainSeconds?: number;
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly onResult: (result: TimedResult) => void;
  readonly onEvent?: (event: RecognitionEvent) => void;
}

export type RecognitionEvent =
  | { readonly kind: "stream-started"; readonly streamId: number; readonly from: number; readonly offset: number }
  | { readonly kind: "stream-renewing"; readonly streamId: number; readonly reason: "scheduled" | "forced" }
  | { readonly kind: "stream-failed"; readonly streamId: number; readonly message: string; readonly retryInMs: number }
  | { readonly kind: "stream-ended"; readonly streamId: number };

export const TRANSCRIBE_MAX_STREAM_SECONDS = 4 * 60 * 60;

interface Stream {
  readonly id: number;
  readonly queue: AudioQueue;
  /** Session time of the stream's first audio sample. */
  readonly offset: number;
  /** Session time from which this stream's words count. */
  readonly from: number;
  readonly startedAtSeconds: number;
  /** End of the last word that is final or stable: what downstream may already have used. */
  settledEnd: number;
  lastWasFinal: boolean;
  /** Wall-clock ms of the last result: a stream still catching up keeps reporting. */
  lastResultAtMs: number;
  /** Session audio time when the last result arrived. */
  lastResultAtSeconds: number;
  /** End of the last final result's words, session seconds. */
  finalEnd: number;
  /** Kept audio the stream was given at once when it opened: its backlog. */
  readonly replaySeconds: number;
  hasResults: boolean;
  draining: boolean;
  done?: Promise<void>;
}

/** A stream that has reported nothing for this long has caught up with its audio. */
const QUIET_MS = 5000;
/** Longest wait for the last stream to catch up when the session stops. */
const MAX_STOP_DRAIN_SECONDS = 20;

export class RecognitionSession {
  private readonly rate: number;
  private readonly timeline: AudioTimeline;
  private readonly o: Required<Omit<RecognitionSessionOptions, "onEvent">> & Pick<RecognitionSessionOptions, "onEvent">;
  private current: Stream | undefined;
  private readonly draining = new Set<Stream>();
  private nextId = 1;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private dueSince: number | undefined;

  constructor(options: RecognitionSessionOptions) {
    this.o = {
      sampleRate: 16000,
      renewAfterSeconds: TRANSCRIBE_MAX_STREAM_SECONDS - 10 * 60,
      pauseWaitSeconds: 60,
      pauseSeconds: 1,
      overlapSeconds: 1.5,
      keepSeconds: 60,
      drainSeconds: 2,
      retryDelayMs: 500,
      maxRetryDelayMs: 8000,
      ...options,
    };
    this.rate = this.o.sampleRate;
    this.timeline = new AudioTimeline(this.rate, Math.max(this.o.keepSeconds, this.o.overlapSeconds + 1));
  }

  /** Session audio clock, seconds. */
  get seconds(): number {
    return this.timeline.seconds;
  }

  start(): void {
    this.open(0);
  }

  /** 16 kHz mono 16-bit samples from the capture graph. */
  push(pcm: Int16Array): void {
    if (this.stopped) return;
    this.timeline.append(pcm);
    const stream = this.current;
    if (!stream) return; // between streams: the timeline keeps it for the next one
    stream.queue.push(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    const age = this.seconds - stream.startedAtSeconds;
    // Renewing a stream that has not settled a word of its own yet would only start over.
    if (age >= this.o.renewAfterSeconds && stream.settledEnd > stream.from) {
      this.dueSince ??= this.seconds;
      if (this.atPause(stream) || this.seconds - this.dueSince >= this.o.pauseWaitSeconds) this.renew("scheduled");
    }
  }

  /**
   * In a pause, and caught up: the last result was final and nothing has come since for a
   * moment of audio (a stream still working through speech reports partials every few hundred ms).
   */
  private atPause(stream: Stream): boolean {
    return stream.lastWasFinal && stream.hasResults && this.seconds - stream.lastResultAtSeconds >= this.o.pauseSeconds;
  }

  /** Replaces the current stream now (also what the scheduled renewal does). */
  renew(reason: "scheduled" | "forced" = "forced"): void {
    const old = this.current;
    if (!old || this.stopped) return;
    this.o.onEvent?.({ kind: "stream-renewing", streamId: old.id, reason });
    this.current = undefined;
    this.drain(old);
  }

  /** Ends recognition: the last stream finishes its words, then closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const last = this.current;
    this.current = undefined;
    if (last) this.drain(last, this.seconds);
    await Promise.all([...this.draining].map((s) => s.done));
  }

  /** Opens a stream responsible for words from `from`, hearing the kept audio from a little before. */
  private open(from: number): void {
    const { startSeconds, chunks } = this.timeline.since(Math.max(0, from - this.o.overlapSeconds));
    const stream: Stream = {
      id: this.nextId++,
      queue: new AudioQueue(),
      offset: startSeconds,
      from,
      startedAtSeconds: this.seconds,
      settledEnd: from,
      lastWasFinal: true,
      lastResultAtMs: Date.now(),
      lastResultAtSeconds: this.seconds,
      finalEnd: from,
      replaySeconds: this.seconds - startSeconds,
      hasResults: false,
      draining: false,
    };
    for (const chunk of chunks) stream.queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.current = stream;
    this.dueSince = undefined;
    this.o.onEvent?.({ kind: "stream-started", streamId: stream.id, from, offset: stream.offset });
    stream.done = this.run(stream);
  }

  private async run(stream: Stream): Promise<void> {
    try {
      const results = await this.o.start(stream.queue);
      for await (const batch of results) for (const result of batch) this.accept(stream, result);
      this.ended(stream, undefined);
    } catch (err) {
      this.ended(stream, err);
    }
  }

  private accept(stream: Stream, result: Result): void {
    this.failures = 0;
    stream.lastWasFinal = result.IsPartial === false;
    stream.lastResultAtMs = Date.now();
    stream.lastResultAtSeconds = this.seconds;
    stream.hasResults = true;
    const placed = placeResult(result, stream);
    if (placed) {
      for (const item of placed.items) {
        if (item.type === "pronunciation" && (!placed.isPartial || item.stable)) {
          stream.settledEnd = Math.max(stream.settledEnd, item.end);
        }
      }
      if (!placed.isPartial) stream.finalEnd = Math.max(stream.finalEnd, placed.items.at(-1)?.end ?? 0);
      this.o.onResult(placed);
    }
  }

  /**
   * Feeds a stream silence at real-time pace so it finishes its words, then ends it. A
   * replaced stream stops at its next final (the next stream re-hears anything unsettled); the
   * last stream of a session (`stopAt`) waits until it has caught up with all the audio.
   */
  private drain(stream: Stream, stopAt?: number): void {
    stream.draining = true;
    this.draining.add(stream);
    if (stopAt === undefined && stream.lastWasFinal) {
      stream.queue.end();
      return;
    }
    const chunk = new Uint8Array((this.rate / 10) * 2);
    const finalsBefore = stream.finalEnd;
    const drainStartMs = Date.now();
    let fed = 0;
    const timer = setInterval(() => {
      // Quiet only counts once the stream has had the time to work through its backlog.
      const quiet =
        Date.now() - Math.max(stream.lastResultAtMs, drainStartMs) >= QUIET_MS &&
        (stream.hasResults || fed >= stream.replaySeconds * 10);
      const done =
        stream.queue.isEnded ||
        (stopAt === undefined
          ? stream.finalEnd > finalsBefore || fed >= this.o.drainSeconds * 10
          : (stream.lastWasFinal && stream.finalEnd >= stopAt - 1.5) ||
            (quiet && fed >= this.o.drainSeconds * 10) ||
            fed >= MAX_STOP_DRAIN_SECONDS * 10);
      if (done) {
        clearInterval(timer);
        stream.queue.end();
        return;
      }
      fed++;
      stream.queue.push(chunk);
    }, 100);
  }

  private ended(stream: Stream, err: unknown): void {
    stream.queue.end();
    if (this.draining.delete(stream)) {
      this.o.onEvent?.({ kind: "stream-ended", streamId: stream.id });
      if (!this.stopped) this.open(stream.settledEnd);
      return;
    }
    if (this.current !== stream) return;
    this.current = undefined;
    if (this.stopped) return;
    // Lost (network error, or the service ended it): reconnect, resuming after the last settled word.
    const delay = err === undefined ? 0 : Math.min(this.o.maxRetryDelayMs, this.o.retryDelayMs * 2 ** this.failures);
    if (err !== undefined) this.failures++;
    this.o.onEvent?.({
      kind: "stream-failed",
      streamId: stream.id,
      message: err instanceof Error ? `${err.name}: ${err.message}` : "the stream ended",
      retryInMs: delay,
    });
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.open(stream.settledEnd);
    }, delay);
  }
}
