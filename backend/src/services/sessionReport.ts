import type { ListenerSample, SessionReport, StageLatencySummary } from "@babelcast/protocol";
import type { SegmentRecord, SessionRecord } from "../tables/records.js";
import { sessionLanguages } from "./sessionRecords.js";

/**
 * The session report's figures from what the tables hold: the listener counts each change left
 * (a step function of time), and the stored segments with their stage timestamps. Pure.
 */

/** The counts one listener change left, at the time it happened. */
export interface CountsSample {
  readonly at: number;
  readonly total: number;
  readonly byLanguage: Readonly<Record<string, number>>;
}

const MINUTE_MS = 60_000;

/**
 * Nearest-rank percentile (`p` in 0..100) of the values: an actual measurement, never an
 * interpolation between two. Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * Peak, listener-minutes and the per-minute maxima of a counts timeline, up to `until` (epoch
 * ms: the session's end, or now while it runs). Each sample's counts hold until the next
 * sample; before the first there were none. Samples come in change order; a timestamp earlier
 * than the one before (another container's clock) counts as that one.
 */
export function listenerFigures(samples: readonly CountsSample[], until: number): SessionReport["listeners"] {
  const ordered: CountsSample[] = [];
  for (const s of samples) {
    const previous = ordered[ordered.length - 1];
    const at = Math.min(until, Math.max(s.at, previous?.at ?? s.at));
    ordered.push({ ...s, at });
  }
  const peak = { total: 0, byLanguage: {} as Record<string, number> } as {
    total: number;
    at?: number;
    byLanguage: Record<string, number>;
  };
  const minutes = { total: 0, byLanguage: {} as Record<string, number> };
  const perMinute = new Map<number, { total: number; byLanguage: Record<string, number> }>();
  const raise = (minute: number, s: CountsSample) => {
    const m = perMinute.get(minute) ?? { total: 0, byLanguage: {} };
    m.total = Math.max(m.total, s.total);
    for (const [l, n] of Object.entries(s.byLanguage)) m.byLanguage[l] = Math.max(m.byLanguage[l] ?? 0, n);
    perMinute.set(minute, m);
  };
  ordered.forEach((s, i) => {
    const end = ordered[i + 1]?.at ?? Math.max(until, s.at);
    const held = (end - s.at) / MINUTE_MS;
    minutes.total += s.total * held;
    for (const [l, n] of Object.entries(s.byLanguage)) {
      minutes.byLanguage[l] = (minutes.byLanguage[l] ?? 0) + n * held;
      peak.byLanguage[l] = Math.max(peak.byLanguage[l] ?? 0, n);
    }
    if (s.total > peak.total) {
      peak.total = s.total;
      peak.at = s.at;
    }
    // The counts are in effect in every minute from this sample's to the next one's.
    const last = Math.floor(Math.max(s.at, end - 1) / MINUTE_MS);
    for (let minute = Math.floor(s.at / MINUTE_MS); minute <= last; minute++) raise(minute, s);
  });
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    perMinute: [...perMinute.entries()]
      .sort(([a], [b]) => a - b)
      .map(([minute, m]): ListenerSample => ({ at: minute * MINUTE_MS, ...m })),
    peak,
    listenerMinutes: {
      total: round(minutes.total),
      byLanguage: Object.fromEntries(Object.entries(minutes.byLanguage).map(([l, n]) => [l, round(n)])),
    },
  };
}

const gap = (from: number | undefined, to: number | undefined) =>
  from !== undefined && to !== undefined && to >= from ? to - from : undefined;

/** p50/p95 per stage over the stored segments (source stages once per segment, translation per language). */
export function stageLatencySummaries(
  segments: readonly SegmentRecord[],
  sourceLanguage: string,
): StageLatencySummary[] {
  const values: Record<string, number[]> = { recognize: [], send: [], persist: [], translate: [], total: [] };
  const add = (stage: string, ms: number | undefined) => {
    if (ms !== undefined) values[stage]?.push(ms);
  };
  for (const s of segments) {
    add("recognize", gap(s.stages.spokenEndAt, s.stages.committedAt));
    add("send", gap(s.stages.committedAt, s.stages.receivedAt));
    add("persist", gap(s.stages.receivedAt, s.stages.persistedAt));
    for (const [language, t] of Object.entries(s.translations ?? {})) {
      if (language === sourceLanguage) continue;
      add("translate", gap(s.stages.persistedAt ?? s.stages.receivedAt, t.stages.translatedAt));
      add("total", gap(s.stages.spokenEndAt ?? s.stages.committedAt, t.stages.translatedAt));
    }
  }
  return Object.entries(values)
    .filter(([, v]) => v.length > 0)
    .map(([stage, v]) => ({ stage, count: v.length, p50Ms: percentile(v, 50) ?? 0, p95Ms: percentile(v, 95) ?? 0 }));
}

/** Translations owed (segment × listened-to language), those never made, and those that needed a retry. */
export function segmentOutcomes(segments: readonly SegmentRecord[], sourceLanguage: string): SessionReport["segments"] {
  let translationsOwed = 0;
  let lost = 0;
  let retried = 0;
  const lostByLanguage: Record<string, number> = {};
  for (const s of segments) {
    for (const language of s.languages ?? []) {
      if (language === sourceLanguage) continue;
      translationsOwed += 1;
      const t = s.translations?.[language];
      if (!t) {
        lost += 1;
        lostByLanguage[language] = (lostByLanguage[language] ?? 0) + 1;
      } else if ((t.attempts ?? 1) > 1) retried += 1;
    }
  }
  return { total: segments.length, translationsOwed, lost, retried, lostByLanguage };
}

/** The whole report of a session at `now`. */
export function sessionReport(
  session: SessionRecord,
  samples: readonly CountsSample[],
  segments: readonly SegmentRecord[],
  now: number,
): SessionReport {
  return {
    sessionId: session.sessionId,
    title: session.title,
    sourceLanguage: session.sourceLanguage,
    languages: sessionLanguages(session),
    status: session.status,
    createdAt: session.createdAt,
    ...(session.endedAt !== undefined ? { endedAt: session.endedAt } : {}),
    generatedAt: now,
    listeners: listenerFigures(samples, session.endedAt ?? now),
    latency: stageLatencySummaries(segments, session.sourceLanguage),
    segments: segmentOutcomes(segments, session.sourceLanguage),
  };
}
