/**
 * Timing of received speech, pure (AudioContext seconds). Chunks of one language play back
 * to back with no gap and no overlap; the floor audio under them is ducked for exactly the
 * spans that have speech, with short pauses between chunks bridged so it does not pump.
 */

export interface SchedulerOptions {
  /** Head start for a chunk that arrives while nothing is playing (scheduling jitter). */
  readonly leadSeconds: number;
  /** Queue length past which a new chunk is dropped: better a missing sentence than minutes of delay. */
  readonly maxBacklogSeconds: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = { leadSeconds: 0.05, maxBacklogSeconds: 20 };

export interface ScheduledChunk {
  readonly start: number;
  readonly end: number;
  /** True when it continues right after the previous chunk (gapless). */
  readonly contiguous: boolean;
}

export type ScheduleResult =
  | { readonly kind: "scheduled"; readonly chunk: ScheduledChunk; readonly nextStart: number }
  | { readonly kind: "dropped"; readonly backlogSeconds: number; readonly nextStart: number };

/**
 * Places a chunk of `duration` seconds: right after the queued audio when some is still
 * playing (`nextStart > now`), otherwise `leadSeconds` from now.
 */
export function scheduleChunk(
  nextStart: number,
  now: number,
  duration: number,
  options: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS,
): ScheduleResult {
  const earliest = now + options.leadSeconds;
  const contiguous = nextStart >= earliest;
  const start = contiguous ? nextStart : earliest;
  const backlog = start - now;
  if (backlog > options.maxBacklogSeconds) return { kind: "dropped", backlogSeconds: backlog, nextStart };
  const end = start + Math.max(0, duration);
  return { kind: "scheduled", chunk: { start, end, contiguous }, nextStart: end };
}

/** Seconds of speech still queued at `now`. */
export function queuedSeconds(nextStart: number, now: number): number {
  return Math.max(0, nextStart - now);
}

export interface DuckSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Merges speech spans into duck spans: spans closer than `bridgeSeconds` become one, so the
 * floor stays down through the short gaps between sentences.
 */
export function duckSpans(chunks: readonly DuckSpan[], bridgeSeconds = 0.4): DuckSpan[] {
  const sorted = [...chunks].sort((a, b) => a.start - b.start);
  const out: DuckSpan[] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && c.start - last.end <= bridgeSeconds)
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, c.end) };
    else out.push({ start: c.start, end: c.end });
  }
  return out;
}

/** Converts 16-bit little-endian PCM to floats in [-1, 1). */
export function pcm16ToFloat32(bytes: Uint8Array): Float32Array {
  const count = Math.floor(bytes.byteLength / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}
