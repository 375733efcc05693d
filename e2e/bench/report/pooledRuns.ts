import { percentile, sampleSummary } from "./percentile.js";
import type { RunConditions } from "./runConditions.js";

/** One glass-to-glass run: a fresh browser and console session, its paired marker delays and its own figures. */
export interface MarkerRun {
  readonly samples: readonly number[];
  readonly capture_graph_ms?: { readonly p50: number } | null;
  readonly webrtc_ms?: { readonly p50: number } | null;
  readonly conditions: RunConditions;
}

/**
 * Several runs as one figure. A run settles its buffers (the console's audio graph output, the listener's
 * jitter buffer) at start-up and keeps them, so its delays cluster; runs of the same code differed by up
 * to 50 ms (docs/performance.md). Percentiles are over every run's samples pooled, and each run's own p50
 * is kept beside them, with their spread, so one lucky or unlucky start-up cannot pass for the figure.
 */
export function poolRuns(runs: readonly MarkerRun[]) {
  const first = runs[0];
  const last = runs.at(-1);
  if (!first || !last) throw new Error("no run to pool");
  const samples = runs.flatMap((r) => r.samples);
  const p50s = runs.map((r) => percentile(r.samples, 50));
  return {
    ...sampleSummary(samples),
    statistic: `percentiles over the samples of ${runs.length} runs, each a fresh browser and console session`,
    run_p50: { min: Math.min(...p50s), max: Math.max(...p50s) },
    runs: runs.map((r, i) => ({
      p50: p50s[i],
      p99: percentile(r.samples, 99),
      capture_graph_p50: r.capture_graph_ms?.p50 ?? null,
      webrtc_p50: r.webrtc_ms?.p50 ?? null,
      load_1m_start: r.conditions.load_1m_start,
    })),
    conditions: {
      load_1m_start: first.conditions.load_1m_start,
      load_1m_end: last.conditions.load_1m_end,
      cpus: Math.min(...runs.map((r) => r.conditions.cpus)),
      measured_over: "this metric",
    },
  };
}
