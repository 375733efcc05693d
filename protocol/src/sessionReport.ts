import { z } from "zod";

/**
 * `GET /sessions/{id}/report` (owner only): who listened in which language over time, how
 * fast each stage of the pipeline was, and what was lost or retried. The console shows it live
 * and at the end, and saves it as report.json and a static report.html.
 */

const Count = z.number().int().nonnegative();
const Millis = z.number().nonnegative();

/** Listeners at one moment: everyone, and per language. */
export const ListenerSample = z.object({
  /** Epoch ms. */
  at: Millis,
  total: Count,
  byLanguage: z.record(z.string(), Count),
});
export type ListenerSample = z.infer<typeof ListenerSample>;

export const StageLatencySummary = z.object({
  /** A stage name (see `REPORT_STAGE_LABELS`). */
  stage: z.string(),
  /** Segments (× languages, for per-language stages) the figures come from. */
  count: Count,
  p50Ms: Millis,
  p95Ms: Millis,
});
export type StageLatencySummary = z.infer<typeof StageLatencySummary>;

export const SessionReport = z.object({
  sessionId: z.string(),
  title: z.string(),
  sourceLanguage: z.string(),
  languages: z.array(z.string()),
  status: z.string(),
  createdAt: Millis,
  endedAt: Millis.optional(),
  /** When the report was computed (epoch ms); a live session's figures run up to here. */
  generatedAt: Millis,
  listeners: z.object({
    /** The most listeners at once per minute (the plot), oldest first, at each minute's start. */
    perMinute: z.array(ListenerSample),
    /** The most listeners at once over the whole session, and when that first happened. */
    peak: z.object({ total: Count, at: Millis.optional(), byLanguage: z.record(z.string(), Count) }),
    /** Listeners × minutes connected: one listener for an hour is 60. */
    listenerMinutes: z.object({ total: z.number().nonnegative(), byLanguage: z.record(z.string(), z.number()) }),
  }),
  /** Per-stage latency of the segments stored so far (p50 and p95 over segments). */
  latency: z.array(StageLatencySummary),
  segments: z.object({
    /** Segments the console committed. */
    total: Count,
    /** Translations owed: segment × language somebody listened to (source language excluded). */
    translationsOwed: Count,
    /** Translations that never came (every attempt failed): those captions were not sent. */
    lost: Count,
    /** Translations that succeeded only after a retry. */
    retried: Count,
    lostByLanguage: z.record(z.string(), Count),
  }),
});
export type SessionReport = z.infer<typeof SessionReport>;

/** What each stage of the report's latency table measures. */
export const REPORT_STAGE_LABELS: Readonly<Record<string, string>> = {
  recognize: "speech end → commit (console)",
  send: "commit → server",
  persist: "server → stored",
  translate: "stored → translated (per language)",
  total: "speech end → translated (per language)",
};
