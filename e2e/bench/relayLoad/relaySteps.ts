// Pure parts of the relay bench (e2e/bench/relay.bench.ts): is a viewer step intact, and CPU
// percentages from /proc tick counts. No I/O here, so the rules are unit-tested
// (e2e/bench/test/relaySteps.test.ts).

/** A viewer is intact when it received at least this share of the packets sent to it in the window (issue #18). */
export const MIN_PACKET_RATIO = 0.99;
/**
 * …and kept flowing: it received at least this share of what the console sent on its language
 * over the window. Far looser than 99 %: a load generator starved of CPU delivers packets to its
 * counters seconds late, which looks the same as a stall at the moment of reading (measured: a
 * whole process's viewers at 85–90 % of the console's count at load 28, with no sequence gap).
 * A viewer whose peer stopped still falls far below it; losses show in the sequence numbers.
 */
export const MIN_FLOW_SHARE = 0.5;

export interface ViewerWindow {
  readonly id: string;
  readonly language: string;
  /** RTP packets this viewer received during the window. */
  readonly received: number;
  /** Growth of its highest extended sequence number over the window: packets sent to it, lost ones included. */
  readonly expected: number;
  /** Packets the console sent on its language over the same window (scaleToWindow); 0 if none. */
  readonly sourceSent: number;
}

export interface StepVerdict {
  /** Every viewer received ≥ MIN_PACKET_RATIO of its language's packets. */
  readonly intact: boolean;
  readonly viewers: number;
  readonly min_ratio: number;
  readonly median_ratio: number;
  /** The lowest share of the console's count a viewer received (the load generator's lag shows here). */
  readonly min_flow_share: number;
  /** Viewers not intact, worst first (at most 5, for the log); `stalled` when it stopped flowing. */
  readonly short: readonly { id: string; ratio: number; stalled?: boolean }[];
}

/**
 * Judges one step. A viewer's ratio is what it received over what was sent to it in the window,
 * from its sequence numbers (the relay re-stamps them by a fixed offset, so upstream and relay
 * losses leave gaps), capped at 1 (a late packet from before the window may count in it). It must
 * also have kept flowing (MIN_FLOW_SHARE of the console's count), which catches a stalled viewer
 * whose sequence numbers show no gap. A language the source sent nothing on is not intact audio.
 */
export function judgeStep(viewers: readonly ViewerWindow[], minRatio = MIN_PACKET_RATIO): StepVerdict {
  if (viewers.length === 0) throw new Error("a step needs at least one viewer");
  const judged = viewers.map((v) => {
    const sent = v.sourceSent;
    const ratio = v.expected > 0 ? Math.min(1, Math.max(0, v.received) / v.expected) : 0;
    const flowing = sent > 0 && v.received >= MIN_FLOW_SHARE * sent;
    const share = sent > 0 ? Math.max(0, v.received) / sent : 0;
    return { id: v.id, ratio, share, ok: flowing && ratio >= minRatio, flowing };
  });
  const sorted = [...judged].sort((a, b) => a.ratio - b.ratio || Number(a.flowing) - Number(b.flowing));
  const short = sorted.filter((r) => !r.ok);
  return {
    intact: short.length === 0,
    viewers: viewers.length,
    min_ratio: round4(sorted[0]?.ratio ?? 0),
    median_ratio: round4(median(sorted.map((r) => r.ratio))),
    min_flow_share: round4(Math.min(...judged.map((r) => r.share))),
    short: short
      .slice(0, 5)
      .map((r) => ({ id: r.id, ratio: round4(r.ratio), ...(r.flowing ? {} : { stalled: true }) })),
  };
}

/**
 * The console's packet counts over the viewers' window: counters read in different processes
 * cover windows of different lengths under load (a reply can wait a second for the CPU), so
 * each count is scaled by the ratio of the two windows' lengths, from when each was read.
 */
export function scaleToWindow(
  sent: Readonly<Record<string, number>>,
  sourceWindowMs: number,
  viewerWindowMs: number,
): Record<string, number> {
  if (!(sourceWindowMs > 0) || !(viewerWindowMs > 0)) throw new Error("both windows must last more than 0 ms");
  return Object.fromEntries(Object.entries(sent).map(([l, n]) => [l, (n * viewerWindowMs) / sourceWindowMs]));
}

/** The bench's figure: the largest step in order before the first that was not intact (0 if the first failed). */
export function largestIntactStep(steps: readonly { viewers: number; intact: boolean }[]): number {
  let best = 0;
  for (const s of steps) {
    if (!s.intact) break;
    best = Math.max(best, s.viewers);
  }
  return best;
}

/** Fields of /proc/<pid>/stat that the bench needs: command name, parent pid and CPU ticks (utime + stime). */
export function parseProcStat(text: string): { name: string; ppid: number; ticks: number } {
  // The command name (field 2) is in parentheses and may hold spaces: split after the last ")".
  const close = text.lastIndexOf(")");
  if (close < 0) throw new Error("not a /proc/<pid>/stat line");
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // After the name: state(3) ppid(4) … utime(14) stime(15), so indexes 1, 11 and 12 here.
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(ticks))
    throw new Error("a /proc/<pid>/stat line without ppid/utime/stime");
  return { name: text.slice(text.indexOf("(") + 1, close), ppid, ticks };
}

/**
 * % of one core used by a set of processes between two tick readings (pid → ticks) over
 * `seconds`, at `hz` ticks per second (USER_HZ, 100 on Linux). Processes in both readings count
 * their growth, new ones all their ticks; ones that exited in between are left out.
 */
export function cpuPercent(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  seconds: number,
  hz = 100,
): number {
  if (!(seconds > 0)) throw new Error("a CPU window must last more than 0 s");
  let ticks = 0;
  for (const [pid, t] of after) ticks += Math.max(0, t - (before.get(pid) ?? 0));
  return round1((ticks / hz / seconds) * 100);
}

/** Extra CPU per forwarded listener: the step's CPU above the no-listener baseline, per listener. */
export function cpuPerListener(stepCpuPct: number, baselineCpuPct: number, listeners: number): number | null {
  if (listeners <= 0) return null;
  return Math.round(((stepCpuPct - baselineCpuPct) / listeners) * 1000) / 1000;
}

/** Pids in `parents` (pid → parent pid) that descend from `root`, the root included. */
export function descendants(parents: ReadonlyMap<number, number>, root: number): Set<number> {
  const out = new Set<number>();
  for (const pid of parents.keys()) {
    let p: number | undefined = pid;
    for (let hops = 0; p !== undefined && p > 1 && p !== root && hops < 64; hops++) p = parents.get(p);
    if (p === root) out.add(pid);
  }
  if (parents.has(root)) out.add(root);
  return out;
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
