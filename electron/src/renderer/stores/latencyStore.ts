import type { SegmentProgressMessage } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import { type LatencyRow, stageDurations, totalMs, upsertRow } from "../live/latency.js";

/** Progress, synthesis and play times kept per segment and language, the most recent only. */
const PROGRESS_KEPT = 200;
const TIMES_KEPT = 400;

const keyOf = (segmentSeq: number, language: string) => `${segmentSeq}:${language}`;

/**
 * Per segment and language, how long each stage took: the server's stage times
 * (segment-progress) joined with the moment the console started playing the speech.
 */
export function createLatencyStore() {
  const rows = signal<readonly LatencyRow[]>([]);
  const progress = new Map<string, SegmentProgressMessage>();
  const playedAt = new Map<string, number>();
  const synthesizedAt = new Map<string, number>();

  const show = (m: SegmentProgressMessage): void => {
    const key = keyOf(m.segmentSeq, m.language);
    const durations = stageDurations({
      source: m.source,
      stages: m.stages,
      playedAt: playedAt.get(key),
      synthesizedByConsoleAt: synthesizedAt.get(key),
    });
    rows.value = upsertRow(rows.value, {
      key,
      segmentSeq: m.segmentSeq,
      language: m.language,
      durations,
      totalMs: totalMs(durations),
      ...(m.error ? { error: m.error } : {}),
    });
  };

  const remember = (times: Map<string, number>, key: string, at: number): boolean => {
    if (times.has(key)) return false;
    times.set(key, at);
    if (times.size > TIMES_KEPT) times.delete(times.keys().next().value as string);
    return true;
  };
  const refresh = (key: string): void => {
    const m = progress.get(key);
    if (m) show(m);
  };

  return {
    rows: rows as ReadonlySignal<readonly LatencyRow[]>,
    /** The server reports a stage done for one language of a segment. */
    recordProgress(m: SegmentProgressMessage): void {
      progress.set(keyOf(m.segmentSeq, m.language), m);
      if (progress.size > PROGRESS_KEPT) progress.delete(progress.keys().next().value as string);
      show(m);
    },
    /** The console scheduled the segment's speech in `language` to start at `at` (epoch ms); first chunk counts. */
    recordPlayed(segmentSeq: number, language: string, at: number): void {
      const key = keyOf(segmentSeq, language);
      if (remember(playedAt, key, at)) refresh(key);
    },
    /** The console synthesized the segment's speech in `language` (epoch ms). */
    recordSynthesized(segmentSeq: number, language: string, at: number): void {
      const key = keyOf(segmentSeq, language);
      if (remember(synthesizedAt, key, at)) refresh(key);
    },
  };
}

export type LatencyStore = ReturnType<typeof createLatencyStore>;
