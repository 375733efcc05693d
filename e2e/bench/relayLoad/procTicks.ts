// Reads every process's parent and CPU ticks from /proc (Linux). The arithmetic is in relaySteps.ts.
import { readdirSync, readFileSync } from "node:fs";
import { parseProcStat } from "./relaySteps.js";

export interface ProcSnapshot {
  /** pid → parent pid */
  readonly parents: Map<number, number>;
  /** pid → command name (comm) */
  readonly names: Map<number, string>;
  /** pid → utime + stime ticks */
  readonly ticks: Map<number, number>;
  /** When it was read (performance.now()). */
  readonly at: number;
}

export function readProcs(): ProcSnapshot {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  const names = new Map<number, string>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${name}/stat`, "utf8"));
      parents.set(Number(name), stat.ppid);
      ticks.set(Number(name), stat.ticks);
      names.set(Number(name), stat.name);
    } catch {
      // The process exited while we read.
    }
  }
  return { parents, names, ticks, at: performance.now() };
}

/** The ticks of only the given pids. */
export function ticksOf(snapshot: ProcSnapshot, pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const t = snapshot.ticks.get(pid);
    if (t !== undefined) out.set(pid, t);
  }
  return out;
}
