import { describe, expect, it } from "vitest";
import { stallWatch } from "../../src/media/stallWatch.js";

describe("stallWatch", () => {
  it("reports a stall once the packet count has not moved for the stall time", () => {
    const stalled = stallWatch(1500);
    expect(stalled(10, 0)).toBe(false);
    expect(stalled(10, 500)).toBe(false);
    expect(stalled(10, 1499)).toBe(false);
    expect(stalled(10, 1500)).toBe(true);
  });

  it("restarts the clock on every new packet", () => {
    const stalled = stallWatch(1500);
    stalled(0, 0);
    expect(stalled(1, 1400)).toBe(false);
    expect(stalled(1, 2800)).toBe(false);
    expect(stalled(1, 2900)).toBe(true);
  });

  it("never reports a flowing stream stalled, however far apart the samples (a throttled background tab)", () => {
    const stalled = stallWatch(1500);
    expect(stalled(0, 0)).toBe(false);
    expect(stalled(3000, 60_000)).toBe(false);
    expect(stalled(6000, 120_000)).toBe(false);
  });

  it("counts a stream that never delivered a packet from its first sample", () => {
    const stalled = stallWatch(1500);
    expect(stalled(0, 100)).toBe(false);
    expect(stalled(0, 1600)).toBe(true);
  });
});
