import type { SpeechSettings } from "../../shared/settings.js";
import { dbToGain } from "../audio/levelMeter.js";
import { DEFAULT_SCHEDULER_OPTIONS, type ScheduledChunk, scheduleChunk } from "./speechScheduler.js";

export interface SpeechChunkAudio {
  readonly segmentSeq: number;
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

export interface SpeechPlayerEvents {
  /** A chunk has been placed; `startsAtEpochMs` is when it will be heard (latency "played"). */
  onScheduled?(segmentSeq: number, chunk: ScheduledChunk, startsAtEpochMs: number): void;
  onDropped?(segmentSeq: number, backlogSeconds: number): void;
}

/** An interpreter's microphone mixed into the language's track. */
interface InterpreterInput {
  readonly track: MediaStreamTrack;
  readonly source: MediaStreamAudioSourceNode;
  readonly gain: GainNode;
  /** Chromium feeds a remote track to Web Audio only while a media element plays it. */
  readonly element: HTMLAudioElement;
}

/**
 * One language's speech: received chunks play back to back into a MediaStreamAudioDestination
 * whose track goes to that language's viewers, with the floor audio mixed under it, ducked
 * while speech plays. The track exists from the start, so a viewer can be given it before
 * the first sentence arrives. While an interpreter speaks the language, their microphone
 * takes the synthesized speech's place on the same track (the one every viewer of the language gets),
 * with the floor ducked beneath; synthesis goes on silently so the fallback is immediate.
 */
export class SpeechPlayer {
  readonly track: MediaStreamTrack;
  private readonly destination: MediaStreamAudioDestinationNode;
  private readonly speechGain: GainNode;
  private readonly floorGain: GainNode;
  private nextStart = 0;
  private readonly sources = new Set<AudioBufferSourceNode>();
  private floorDb: number;
  private duckDb: number;
  private floorMix: boolean;
  private silenced = false;
  private interpreter: InterpreterInput | undefined;

  constructor(
    private readonly context: AudioContext,
    readonly language: string,
    floor: AudioNode,
    settings: SpeechSettings,
    private readonly events: SpeechPlayerEvents = {},
  ) {
    this.destination = context.createMediaStreamDestination();
    this.speechGain = context.createGain();
    this.floorGain = context.createGain();
    this.speechGain.connect(this.destination);
    floor.connect(this.floorGain).connect(this.destination);
    this.floorDb = settings.floorDb;
    this.duckDb = settings.duckDb;
    this.floorMix = settings.floorMix;
    this.floorGain.gain.value = this.floorLevel(false);
    const track = this.destination.stream.getAudioTracks()[0];
    if (!track) throw new Error("no track from MediaStreamAudioDestinationNode");
    this.track = track;
  }

  private floorLevel(ducked: boolean): number {
    if (!this.floorMix) return 0;
    return dbToGain(ducked ? this.duckDb : this.floorDb);
  }

  updateSettings(settings: SpeechSettings): void {
    this.floorDb = settings.floorDb;
    this.duckDb = settings.duckDb;
    this.floorMix = settings.floorMix;
    this.applyLevels();
  }

  /**
   * Sets every level from the state: off air, interpreter or machine speech. `replan` drops the
   * floor's planned ducks first (the interpreter came or went, or the queue was flushed).
   */
  private applyLevels(replan = false): void {
    const now = this.context.currentTime;
    const g = this.floorGain.gain;
    if (replan) g.cancelScheduledValues(now);
    g.setTargetAtTime(this.floorLevel(this.interpreter !== undefined || this.nextStart > now), now, 0.05);
    // Back to machine speech in the middle of a sentence: release the floor after it.
    if (replan && !this.interpreter && this.nextStart > now)
      g.setTargetAtTime(this.floorLevel(false), this.nextStart + 0.4, 0.25);
    this.speechGain.gain.setTargetAtTime(this.silenced || this.interpreter ? 0 : 1, now, 0.01);
    this.interpreter?.gain.gain.setTargetAtTime(this.silenced ? 0 : 1, now, 0.01);
  }

  /** The interpreter's microphone replaces machine speech (undefined: machine speech again). */
  setInterpreter(track: MediaStreamTrack | undefined): void {
    if (this.interpreter?.track === track) return;
    this.detachInterpreter();
    if (track) {
      const stream = new MediaStream([track]);
      const element = new Audio();
      element.muted = true;
      element.srcObject = stream;
      void element.play().catch(() => undefined);
      const source = this.context.createMediaStreamSource(stream);
      const gain = this.context.createGain();
      gain.gain.value = 0;
      source.connect(gain).connect(this.destination);
      this.interpreter = { track, source, gain, element };
    }
    this.applyLevels(true);
  }

  /** The interpreter's track, while one speaks this language. */
  get interpreterTrack(): MediaStreamTrack | undefined {
    return this.interpreter?.track;
  }

  private detachInterpreter(): void {
    const input = this.interpreter;
    if (!input) return;
    this.interpreter = undefined;
    input.source.disconnect();
    input.gain.disconnect();
    input.element.srcObject = null;
  }

  /** Queues a chunk right after what is already queued (gapless) or now when idle. */
  enqueue(chunk: SpeechChunkAudio): void {
    if (chunk.samples.length === 0) return;
    const buffer = this.context.createBuffer(1, chunk.samples.length, chunk.sampleRate);
    buffer.copyToChannel(chunk.samples as Float32Array<ArrayBuffer>, 0);
    const now = this.context.currentTime;
    const result = scheduleChunk(this.nextStart, now, buffer.duration, DEFAULT_SCHEDULER_OPTIONS);
    if (result.kind === "dropped") {
      this.events.onDropped?.(chunk.segmentSeq, result.backlogSeconds);
      return;
    }
    const { start, end } = result.chunk;
    this.nextStart = result.nextStart;
    // AudioBufferSourceNode resamples the chunk's rate to the context's.
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.speechGain);
    source.start(start);
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      source.disconnect();
    };
    const startsAtEpochMs = Date.now() + (start - now) * 1000;
    this.events.onScheduled?.(chunk.segmentSeq, result.chunk, startsAtEpochMs);
    // The floor stays ducked under an interpreter; otherwise it ducks for the span.
    if (this.interpreter) return;
    // Duck the floor for the span, with a short attack; release only if nothing follows.
    const g = this.floorGain.gain;
    const attackAt = Math.max(now, start - 0.08);
    // Cancels the release planned after the previous chunk when this one follows it closely.
    g.cancelScheduledValues(attackAt);
    g.setTargetAtTime(this.floorLevel(true), attackAt, 0.03);
    g.setTargetAtTime(this.floorLevel(false), end + 0.4, 0.25);
  }

  /** Pause and mute: nothing of this language is heard (the floor is silenced upstream). */
  setSilenced(silenced: boolean): void {
    this.silenced = silenced;
    this.applyLevels();
  }

  /** Seconds of speech waiting to be heard. */
  queued(): number {
    return Math.max(0, this.nextStart - this.context.currentTime);
  }

  /** Drops everything queued (pause). */
  flush(): void {
    for (const s of this.sources) {
      try {
        s.stop();
      } catch {
        // already stopped
      }
    }
    this.sources.clear();
    this.nextStart = 0;
    this.applyLevels(true);
  }

  close(): void {
    this.flush();
    this.detachInterpreter();
    this.speechGain.disconnect();
    this.floorGain.disconnect();
    this.track.stop();
  }
}
