import { z } from "zod";

/**
 * Fault injection for the embedded emulators, switched by configuration: each service's
 * settings section may hold a `faults` object of this shape. Tests use it to prove the
 * product survives what AWS itself cannot be asked to do on demand.
 */
export const FaultSettings = z
  .object({
    /** Share of requests answered with the service's throttling error (0..1). */
    throttleRate: z.number().min(0).max(1).default(0),
    /** Share of requests answered with an internal error (0..1). */
    errorRate: z.number().min(0).max(1).default(0),
    /** Extra delay added before answering, in milliseconds. */
    delayMs: z.number().int().min(0).max(60_000).default(0),
    /** Share of requests or connections dropped without an answer (0..1). */
    dropRate: z.number().min(0).max(1).default(0),
    /** Makes the decisions repeatable: the same seed, the same faults on the same requests. */
    seed: z.number().int().optional(),
  })
  .default({ throttleRate: 0, errorRate: 0, delayMs: 0, dropRate: 0 });
export type FaultSettings = z.infer<typeof FaultSettings>;

export type FaultDecision = "none" | "throttle" | "error" | "drop";

/** Decides, per request, which fault (if any) to inject. Pure given `random`. */
export function decideFault(faults: FaultSettings, random: () => number = Math.random): FaultDecision {
  if (faults.dropRate > 0 && random() < faults.dropRate) return "drop";
  if (faults.throttleRate > 0 && random() < faults.throttleRate) return "throttle";
  if (faults.errorRate > 0 && random() < faults.errorRate) return "error";
  return "none";
}

/** A small seeded generator (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const noFaults = (): Record<FaultDecision, number> => ({ none: 0, throttle: 0, error: 0, drop: 0 });

/**
 * Mutable fault switches a running emulator reads on every request, so tests can flip them
 * live. It counts what it injected, so a test can show its faults really happened.
 */
export class FaultSwitch {
  private current: FaultSettings;
  private random: () => number = Math.random;
  /** Decisions since the settings last changed, by kind. */
  injected = noFaults();
  constructor(initial: unknown = {}) {
    this.current = FaultSettings.parse(initial);
    this.reset();
  }
  get settings(): FaultSettings {
    return this.current;
  }
  set(next: Partial<FaultSettings>): void {
    this.current = FaultSettings.parse({ ...this.current, ...next });
    this.reset();
  }
  decide(random: () => number = this.random): FaultDecision {
    const decision = decideFault(this.current, random);
    this.injected[decision] += 1;
    return decision;
  }
  private reset(): void {
    this.random = this.current.seed === undefined ? Math.random : seededRandom(this.current.seed);
    this.injected = noFaults();
  }
  async delay(): Promise<void> {
    if (this.current.delayMs > 0) await new Promise((r) => setTimeout(r, this.current.delayMs));
  }
}
