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

/** How run.ts waits for the machine to go quiet before each bench (one bench's load carries into the next). */
export interface SettlePolicy {
  /** 1-minute load average at or under which a bench may start. */
  readonly quietLoad: number;
  /** Longest wait; the bench then starts anyway, and its conditions show the load it started at. */
  readonly maxWaitMs: number;
}

/**
 * Whether to start the next bench: at once when the load is quiet, else wait until it is or the
 * wait is used up. The 1-minute load average decays with a time constant of a minute, so a bench
 * that left it at 6 is back under 1 about two minutes after it ends (ln 6 ≈ 1.8).
 */
export function settleDecision(load1m: number, waitedMs: number, policy: SettlePolicy): "start" | "wait" | "give-up" {
  if (load1m <= policy.quietLoad) return "start";
  return waitedMs >= policy.maxWaitMs ? "give-up" : "wait";
}

/** What waiting for quiet came to before one bench. */
export interface SettleOutcome {
  readonly waited_s: number;
  readonly load_1m: number;
  readonly quiet: boolean;
}

/** Waits (polling the load every `pollMs`) until `settleDecision` says start or give up. */
export async function settle(policy: SettlePolicy, pollMs = 5000): Promise<SettleOutcome> {
  const started = Date.now();
  for (;;) {
    const load = round2(loadavg()[0] ?? 0);
    const decision = settleDecision(load, Date.now() - started, policy);
    if (decision !== "wait")
      return { waited_s: Math.round((Date.now() - started) / 1000), load_1m: load, quiet: decision === "start" };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
