import type { LanguageStages, SourceStages } from "@babelcast/protocol";

/** Pipeline stages of one segment in one language, in order, with what ends each one. */
export const STAGES = ["recognize", "send", "translate", "synthesize", "deliver", "play"] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  recognize: "speech end → commit",
  send: "commit → server",
  translate: "translate",
  synthesize: "synthesize",
  deliver: "deliver to console",
  play: "queue → playing",
};

export interface StageTimes {
  readonly source: SourceStages;
  readonly stages: LanguageStages;
  /** When the console started playing the segment's speech (epoch ms). */
  readonly playedAt?: number;
  /** When the console had synthesized the speech itself (epoch ms): synthesis then follows delivery. */
  readonly synthesizedByConsoleAt?: number;
}

export interface StageDuration {
  readonly stage: Stage;
  readonly ms: number;
}

/**
 * Durations of the stages whose two ends are both known. A stage whose start is missing
 * measures from the latest known earlier timestamp, so the bars still add up to the total.
 */
export function stageDurations(t: StageTimes): StageDuration[] {
  const ends: Array<[Stage, number | undefined]> =
    t.synthesizedByConsoleAt === undefined
      ? [
          ["recognize", t.source.committedAt],
          ["send", t.source.receivedAt ?? t.source.persistedAt],
          ["translate", t.stages.translatedAt],
          ["synthesize", t.stages.synthesizedAt],
          ["deliver", t.stages.deliveredAt],
          ["play", t.playedAt],
        ]
      : [
          ["recognize", t.source.committedAt],
          ["send", t.source.receivedAt ?? t.source.persistedAt],
          ["translate", t.stages.translatedAt],
          ["deliver", t.stages.deliveredAt],
          ["synthesize", t.synthesizedByConsoleAt],
          ["play", t.playedAt],
        ];
  const out: StageDuration[] = [];
  let previous = t.source.spokenEndAt ?? t.source.committedAt;
  for (const [stage, end] of ends) {
    if (end === undefined) continue;
    out.push({ stage, ms: Math.max(0, end - previous) });
    previous = Math.max(previous, end);
  }
  return out;
}

export function totalMs(durations: readonly StageDuration[]): number {
  return durations.reduce((sum, d) => sum + d.ms, 0);
}

export interface LatencyRow {
  readonly key: string;
  readonly segmentSeq: number;
  readonly language: string;
  readonly durations: StageDuration[];
  readonly totalMs: number;
  readonly error?: string;
}

/** Keeps the most recent `limit` rows, newest last; a row for the same segment and language replaces the old one. */
export function upsertRow(rows: readonly LatencyRow[], row: LatencyRow, limit = 12): LatencyRow[] {
  const without = rows.filter((r) => r.key !== row.key);
  without.push(row);
  without.sort((a, b) => a.segmentSeq - b.segmentSeq || a.language.localeCompare(b.language));
  return without.slice(-limit);
}

/** Median of the totals, a steadier headline number than the last segment's. */
export function medianTotal(rows: readonly LatencyRow[]): number | undefined {
  if (rows.length === 0) return undefined;
  const sorted = rows.map((r) => r.totalMs).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
