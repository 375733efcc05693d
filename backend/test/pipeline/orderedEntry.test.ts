import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OrderedEntry } from "../../src/services/pipeline/orderedEntry.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function entries(gate: OrderedEntry, seqs: number[], advanceMs = 0): Promise<number[]> {
  const order: number[] = [];
  const all = seqs.map((s) => gate.enter(s).then(() => order.push(s)));
  await vi.advanceTimersByTimeAsync(advanceMs);
  await Promise.all(all);
  return order;
}

describe("ordered entry of segments into the pipeline", () => {
  it("lets a burst that arrives out of order in by the console's sequence", async () => {
    expect(await entries(new OrderedEntry(2000), [0, 2, 1, 4, 3])).toEqual([0, 1, 2, 3, 4]);
  });

  it("waits for a missing earlier segment at most maxWaitMs, then gives the gap up", async () => {
    const gate = new OrderedEntry(500);
    await gate.enter(0);
    let entered = false;
    const later = gate.enter(2).then(() => {
      entered = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(entered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await later;
    expect(entered).toBe(true);
    // The lost segment turns up late: it enters at once rather than waiting forever.
    expect(await entries(gate, [1])).toEqual([1]);
  });

  it("after a restart the first resent segment waits briefly for the ones before it", async () => {
    const gate = new OrderedEntry(300);
    expect(await entries(gate, [5, 4, 6], 300)).toEqual([4, 5, 6]);
  });
});
