/** Nearest-rank percentile (p from 0 to 100) of samples in any order; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The figures every latency metric reports: p50, p95, p99, count, min and max of its samples. */
export function sampleSummary(samples: readonly number[]) {
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    n: samples.length,
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}
