import { describe, expect, it } from "vitest";
import {
  cpuPercent,
  cpuPerListener,
  descendants,
  judgeStep,
  largestIntactStep,
  parseProcStat,
  scaleToWindow,
} from "../relayLoad/relaySteps.js";
import { markerDelays } from "../report/markerDelays.js";

describe("judgeStep (the ≥ 99 % rule)", () => {
  it("calls a step intact when every viewer got at least 99 % of the packets sent to it (by sequence numbers) and kept flowing", () => {
    const v = judgeStep([
      { id: "a", language: "en", received: 495, expected: 500, sourceSent: 500 },
      { id: "b", language: "es", received: 396, expected: 400, sourceSent: 400 },
      { id: "c", language: "en", received: 500, expected: 500, sourceSent: 500 },
    ]);
    expect(v).toMatchObject({ intact: true, viewers: 3, min_ratio: 0.99, median_ratio: 0.99, short: [] });
  });

  it("does not count against a viewer the few packets by which the console's counter, read apart, runs ahead", () => {
    // 480 of 500: the console's reading came 400 ms later than the viewer's; no sequence gap.
    const v = judgeStep([{ id: "a", language: "en", received: 480, expected: 480, sourceSent: 500 }]);
    expect(v.intact).toBe(true);
  });

  it("fails a step when one viewer lost just over 1 % of its packets, naming it", () => {
    const v = judgeStep([
      { id: "a", language: "en", received: 500, expected: 500, sourceSent: 500 },
      { id: "b", language: "en", received: 494, expected: 500, sourceSent: 500 },
    ]);
    expect(v.intact).toBe(false);
    expect(v.short).toEqual([{ id: "b", ratio: 0.988 }]);
  });

  it("fails a viewer that stalled, though its sequence numbers show no gap", () => {
    const v = judgeStep([{ id: "a", language: "en", received: 200, expected: 200, sourceSent: 500 }]);
    expect(v).toMatchObject({ intact: false, min_ratio: 1, short: [{ id: "a", ratio: 1, stalled: true }] });
  });

  it("caps a viewer's ratio at 1, so a late packet from before the window cannot lift the median over another's loss", () => {
    const v = judgeStep([
      { id: "a", language: "en", received: 501, expected: 500, sourceSent: 500 },
      { id: "b", language: "en", received: 250, expected: 500, sourceSent: 500 },
    ]);
    expect(v).toMatchObject({ intact: false, min_ratio: 0.5, median_ratio: 0.75 });
  });

  it("counts viewers of a language the source sent nothing on, or that got nothing, as not intact", () => {
    expect(judgeStep([{ id: "a", language: "fr", received: 10, expected: 10, sourceSent: 0 }]).intact).toBe(false);
    expect(judgeStep([{ id: "a", language: "en", received: 0, expected: 0, sourceSent: 500 }])).toMatchObject({
      intact: false,
      min_ratio: 0,
    });
  });

  it("refuses a step without viewers", () => {
    expect(() => judgeStep([])).toThrow(/at least one viewer/);
  });
});

describe("scaleToWindow", () => {
  it("scales the console's counts to the viewers' window when the two were read apart", () => {
    expect(scaleToWindow({ en: 575, es: 575 }, 11_500, 10_000)).toEqual({ en: 500, es: 500 });
    expect(() => scaleToWindow({ en: 1 }, 0, 10_000)).toThrow(/more than 0 ms/);
  });
});

describe("largestIntactStep", () => {
  it("is the largest step before the first broken one, and 0 when the first breaks", () => {
    const steps = [
      { viewers: 50, intact: true },
      { viewers: 100, intact: true },
      { viewers: 200, intact: false },
      { viewers: 300, intact: true },
    ];
    expect(largestIntactStep(steps)).toBe(100);
    expect(largestIntactStep([{ viewers: 50, intact: false }])).toBe(0);
  });
});

describe("CPU from /proc", () => {
  it("reads the parent pid and utime + stime, with spaces and parentheses in the command name", () => {
    const line = "4242 (node (relay) x) S 100 4242 100 0 -1 4194304 10 0 0 0 350 50 0 0 20 0 11 0 1 2 3";
    expect(parseProcStat(line)).toEqual({ name: "node (relay) x", ppid: 100, ticks: 400 });
    expect(() => parseProcStat("garbage")).toThrow(/not a \/proc/);
  });

  it("gives % of one core from tick growth (100 ticks/s), counting new processes whole and leaving out exited ones", () => {
    const before = new Map([
      [1, 1000],
      [2, 500],
    ]);
    const after = new Map([
      [1, 1050],
      [3, 30],
    ]);
    // (50 + 30) ticks over 2 s at 100 ticks/s = 0.4 s of CPU per s = 40 %.
    expect(cpuPercent(before, after, 2)).toBe(40);
    expect(() => cpuPercent(before, after, 0)).toThrow(/more than 0 s/);
  });

  it("gives CPU per forwarded listener above the no-listener baseline", () => {
    expect(cpuPerListener(21, 1, 200)).toBe(0.1);
    expect(cpuPerListener(5, 1, 0)).toBeNull();
  });

  it("finds a process tree from parent pids", () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 11],
      [20, 1],
    ]);
    expect([...descendants(parents, 10)].sort()).toEqual([10, 11, 12]);
  });
});

describe("markerDelays", () => {
  const tap = (markers: number[]) => ({ label: "x", markers, chunks: 1, peak: 1, ended: false });

  it("pairs received markers with the busiest sending tap and summarizes the delays", () => {
    const sent = [tap([]), tap([0, 750, 1500, 2250])];
    const received = [tap([40, 790, 1550, 2290])];
    const d = markerDelays(sent, received, 0);
    expect(d).toMatchObject({ p50: 40, n: 4, min: 40, max: 50, unpaired: 0 });
  });

  it("says which side had no markers", () => {
    expect(markerDelays([tap([0])], [], 0)).toEqual({ skipped: "no markers detected at the receiving side" });
    expect(markerDelays([], [tap([0])], 0)).toEqual({ skipped: "no markers detected at the sending side" });
  });
});
