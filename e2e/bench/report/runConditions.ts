import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

/** The machine's state while a metric was measured: a figure from a busy machine says so. */
export interface RunConditions {
  /** 1-minute load average when the measurement started and when it ended. */
  readonly load_1m_start: number;
  readonly load_1m_end: number;
  /** CPUs this process could use (the fewest seen at start and end). */
  readonly cpus: number;
  /** What the window covers: the metric's own measurement, or (filled in by run.ts) its whole bench. */
  readonly measured_over: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** CPUs this process may use: the scheduler's affinity, lowered by a cgroup v2 CPU quota (containers). */
export function cpusAvailable(): number {
  const affinity = availableParallelism();
  try {
    const [quota, period] = readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
    if (quota !== undefined && quota !== "max" && Number(period) > 0)
      return Math.min(affinity, round2(Number(quota) / Number(period)));
  } catch {
    // no cgroup v2 quota to read: the affinity is the limit
  }
  return affinity;
}

/** Starts a measurement window; `end()` reads the load again and describes the window. */
export function startConditions(measuredOver = "this metric"): { end(): RunConditions } {
  const load = round2(loadavg()[0] ?? 0);
  const cpus = cpusAvailable();
  return {
    end: () => ({
      load_1m_start: load,
      load_1m_end: round2(loadavg()[0] ?? 0),
      cpus: Math.min(cpus, cpusAvailable()),
      measured_over: measuredOver,
    }),
  };
}

/** A metric with the conditions of the window it was measured in. */
export function withConditions<T extends object>(
  metric: T,
  conditions: RunConditions,
): T & { conditions: RunConditions } {
  return { ...metric, conditions };
}
