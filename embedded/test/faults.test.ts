import { describe, expect, it } from "vitest";
import { FaultSwitch, seededRandom } from "../src/faults.js";

describe("fault switches", () => {
  it("with a seed, make the same decisions on every run, and count what they injected", () => {
    const decisions = (seed: number) => {
      const faults = new FaultSwitch({ throttleRate: 0.5, seed });
      const made = Array.from({ length: 40 }, () => faults.decide());
      return { made, injected: faults.injected };
    };
    const first = decisions(16);
    expect(decisions(16).made).toEqual(first.made);
    expect(first.injected.throttle).toBe(first.made.filter((d) => d === "throttle").length);
    expect(first.injected.throttle).toBeGreaterThan(5);
    expect(first.injected.none).toBeGreaterThan(5);
  });

  it("start counting afresh when the settings change", () => {
    const faults = new FaultSwitch({ errorRate: 1 });
    faults.decide();
    expect(faults.injected.error).toBe(1);
    faults.set({ errorRate: 0 });
    expect(faults.injected).toEqual({ none: 0, throttle: 0, error: 0, drop: 0 });
  });

  it("a seeded generator stays within [0, 1)", () => {
    const random = seededRandom(3);
    for (let i = 0; i < 1000; i++) {
      const x = random();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
