import { percentile } from "./percentile.js";

/** One segment's lag behind the presenter, sampled when it reached its audience. */
export interface LagSample {
  /** When the lag was observed (epoch ms). */
  readonly atMs: number;
  /** How far behind the presenter it was (ms). */
  readonly lagMs: number;
}

/** How a lag changed over a talk: medians of its first and last minute, their difference, the peak and the trend. */
export interface LagDrift {
  readonly first_minute_s: number;
  readonly last_minute_s: number;
  /** last_minute_s − first_minute_s: what a listener notices after the whole talk. */
  readonly drift_s: number;
  readonly max_s: number;
  /** Least-squares slope of lag against time, seconds per minute of talk. */
  readonly slope_s_per_min: number;
  readonly minutes: number;
  readonly n: number;
}

const seconds = (ms: number) => Math.round(ms) / 1000;

/** The drift of a lag over a talk; undefined with fewer than two samples or under two minutes of them. */
export function lagDrift(samples: readonly LagSample[]): LagDrift | undefined {
  if (samples.length < 2) return undefined;
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const start = sorted[0]?.atMs ?? 0;
  const end = sorted.at(-1)?.atMs ?? 0;
  if (end - start < 120_000) return undefined;
  const lagsBetween = (from: number, to: number) =>
    sorted.filter((s) => s.atMs >= from && s.atMs <= to).map((s) => s.lagMs);
  const first = percentile(lagsBetween(start, start + 60_000), 50);
  const last = percentile(lagsBetween(end - 60_000, end), 50);
  const xs = sorted.map((s) => (s.atMs - start) / 60_000);
  const ys = sorted.map((s) => s.lagMs / 1000);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < xs.length; i++) {
    covariance += ((xs[i] ?? 0) - meanX) * ((ys[i] ?? 0) - meanY);
    variance += ((xs[i] ?? 0) - meanX) ** 2;
  }
  return {
    first_minute_s: seconds(first),
    last_minute_s: seconds(last),
    drift_s: seconds(last - first),
    max_s: seconds(Math.max(...sorted.map((s) => s.lagMs))),
    slope_s_per_min: Math.round((variance > 0 ? covariance / variance : 0) * 1000) / 1000,
    minutes: Math.round(((end - start) / 60_000) * 10) / 10,
    n: sorted.length,
  };
}
