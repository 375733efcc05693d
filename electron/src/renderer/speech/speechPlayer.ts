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

/**
 * One language's speech: received chunks play back to back into a MediaStreamAudioDestination
 * whose track goes to that language's viewers, with the floor audio mixed under it, ducked
 * while speech plays. The track exists from the start, so a viewer can be given it before
 * the first sentence arrives.
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
    const speaking = this.nextStart > this.context.currentTime;
    this.floorGain.gain.setTargetAtTime(this.floorLevel(speaking), this.context.currentTime, 0.05);
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
    // Duck the floor for the span, with a short attack; release only if nothing follows.
    const g = this.floorGain.gain;
    const attackAt = Math.max(now, start - 0.08);
    // Cancels the release planned after the previous chunk when this one follows it closely.
    g.cancelScheduledValues(attackAt);
    g.setTargetAtTime(this.floorLevel(true), attackAt, 0.03);
    g.setTargetAtTime(this.floorLevel(false), end + 0.4, 0.25);
    const startsAtEpochMs = Date.now() + (start - now) * 1000;
    this.events.onScheduled?.(chunk.segmentSeq, result.chunk, startsAtEpochMs);
  }

  /** Pause and mute: nothing of this language is heard (the floor is silenced upstream). */
  setSilenced(silenced: boolean): void {
    this.speechGain.gain.setTargetAtTime(silenced ? 0 : 1, this.context.currentTime, 0.01);
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
    this.floorGain.gain.cancelScheduledValues(this.context.currentTime);
    this.floorGain.gain.setTargetAtTime(this.floorLevel(false), this.context.currentTime, 0.05);
  }

  close(): void {
    this.flush();
    this.speechGain.disconnect();
    this.floorGain.disconnect();
    this.track.stop();
  }
}
