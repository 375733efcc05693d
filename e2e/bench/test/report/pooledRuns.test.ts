import { describe, expect, it } from "vitest";
import { poolRuns } from "../../report/pooledRuns.js";

const conditions = (start: number, end: number, cpus = 2) => ({
  load_1m_start: start,
  load_1m_end: end,
  cpus,
  measured_over: "this metric",
});

describe("glass-to-glass runs pooled", () => {
  const pooled = poolRuns([
    {
      samples: [40, 41, 42],
      capture_graph_ms: { p50: 6 },
      webrtc_ms: { p50: 35 },
      conditions: conditions(0.5, 0.7),
    },
    { samples: [70, 71, 72], capture_graph_ms: null, conditions: conditions(0.7, 1.1, 1) },
  ]);

  it("takes percentiles over every run's samples, not one run's", () => {
    expect(pooled).toMatchObject({ p50: 42, p99: 72, n: 6, min: 40, max: 72 });
  });

  it("keeps each run's p50 and their spread, with what each run's path split into", () => {
    expect(pooled.run_p50).toEqual({ min: 41, max: 71 });
    expect(pooled.runs).toEqual([
      { p50: 41, p99: 42, capture_graph_p50: 6, webrtc_p50: 35, load_1m_start: 0.5 },
      { p50: 71, p99: 72, capture_graph_p50: null, webrtc_p50: null, load_1m_start: 0.7 },
    ]);
  });

  it("covers the conditions from the first run's start to the last one's end, on the fewest CPUs seen", () => {
    expect(pooled.conditions).toEqual({ load_1m_start: 0.5, load_1m_end: 1.1, cpus: 1, measured_over: "this metric" });
  });

  it("refuses an empty list of runs", () => {
    expect(() => poolRuns([])).toThrow("no run to pool");
  });
});
