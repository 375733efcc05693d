import { describe, expect, it } from "vitest";
import { lagDrift } from "../../report/lagDrift.js";

const minute = 60_000;
/** One sample every 5 s for `minutes`, with the lag given by `lagAt(minutesIn)`. */
const talk = (minutes: number, lagAt: (m: number) => number) =>
  Array.from({ length: (minutes * minute) / 5000 + 1 }, (_, i) => ({
    atMs: 1_000_000 + i * 5000,
    lagMs: lagAt((i * 5000) / minute),
  }));

describe("lag drift over a talk", () => {
  it("reports no drift and a flat slope for a steady lag", () => {
    const drift = lagDrift(talk(10, () => 1000));
    expect(drift).toMatchObject({ first_minute_s: 1, last_minute_s: 1, drift_s: 0, max_s: 1, slope_s_per_min: 0 });
    expect(drift?.minutes).toBe(10);
  });

  it("reports a lag growing by 0.3 s a minute as about 2.7 s of drift over ten minutes", () => {
    const drift = lagDrift(talk(10, (m) => 1000 + 300 * m));
    expect(drift?.slope_s_per_min).toBeCloseTo(0.3, 3);
    expect(drift?.drift_s).toBeCloseTo(2.7, 1);
    expect(drift?.max_s).toBe(4);
  });

  it("keeps a single spike in the maximum but not in the first and last minutes' medians", () => {
    const drift = lagDrift(talk(10, (m) => (m === 5 ? 9000 : 1000)));
    expect(drift?.max_s).toBe(9);
    expect(drift?.drift_s).toBe(0);
  });

  it("says nothing from under two minutes of samples", () => {
    expect(lagDrift(talk(1, () => 1000))).toBeUndefined();
    expect(lagDrift([])).toBeUndefined();
  });
});
