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

/** Mutable fault switches a running emulator reads on every request, so tests can flip them live. */
export class FaultSwitch {
  private current: FaultSettings;
  constructor(initial: unknown = {}) {
    this.current = FaultSettings.parse(initial);
  }
  get settings(): FaultSettings {
    return this.current;
  }
  set(next: Partial<FaultSettings>): void {
    this.current = FaultSettings.parse({ ...this.current, ...next });
  }
  decide(random?: () => number): FaultDecision {
    return decideFault(this.current, random);
  }
  async delay(): Promise<void> {
    if (this.current.delayMs > 0) await new Promise((r) => setTimeout(r, this.current.delayMs));
  }
}
