import { describe, expect, it } from "vitest";
import { assignSlot, captionsOnlyReason, type PoolState, type SlotHolder } from "../../src/services/channelPool.js";
import type { ChannelRecord } from "../../src/services/sessionRecords.js";

const NOW = 1_000_000;
const limits = { audioCapacity: 100, viewersPerChannel: 10, slotGraceMs: 120_000 };

function channel(index: number): ChannelRecord {
  return { channelArn: `arn:ch${index}`, channelName: `c-${index}`, index, createdAt: 0 };
}

function holders(channelArn: string, n: number, prefix = channelArn): SlotHolder[] {
  return Array.from({ length: n }, (_, i) => ({
    listenerId: `${prefix}-l${i}`,
    channelArn,
    connected: true,
    lastActiveAt: NOW - 1000,
  }));
}

describe("channel pool", () => {
  it("asks for the first channel when the pool is empty", () => {
    expect(assignSlot({ channels: [], listeners: [] }, "new", limits, NOW)).toEqual({ kind: "add-channel", index: 0 });
  });

  it("assigns a listener to the first channel with a free viewer slot", () => {
    const state: PoolState = {
      channels: [channel(0), channel(1)],
      listeners: [...holders("arn:ch0", 10), ...holders("arn:ch1", 3)],
    };
    expect(assignSlot(state, "new", limits, NOW)).toEqual({ kind: "assign", channelArn: "arn:ch1" });
  });

  it("asks for a new channel when every channel is full", () => {
    const state: PoolState = {
      channels: [channel(0), channel(1)],
      listeners: [...holders("arn:ch0", 10), ...holders("arn:ch1", 10)],
    };
    expect(assignSlot(state, "new", limits, NOW)).toEqual({ kind: "add-channel", index: 2 });
  });

  it("admits captions-only past the audio capacity, with a reason a person understands", () => {
    const state: PoolState = {
      channels: [channel(0), channel(1)],
      listeners: [...holders("arn:ch0", 10), ...holders("arn:ch1", 5)],
    };
    const decision = assignSlot(state, "new", { ...limits, audioCapacity: 15 }, NOW);
    expect(decision.kind).toBe("captions-only");
    expect(decision.kind === "captions-only" && decision.reason).toMatch(/Audio is full.*15 listeners.*captions/);
  });

  it("offers captions only when the capacity is zero", () => {
    const decision = assignSlot({ channels: [], listeners: [] }, "new", { ...limits, audioCapacity: 0 }, NOW);
    expect(decision).toEqual({ kind: "captions-only", reason: captionsOnlyReason(0) });
  });

  it("gives a rejoining listener its old slot back even when the channel is otherwise full", () => {
    const state: PoolState = {
      channels: [channel(0), channel(1)],
      listeners: [...holders("arn:ch0", 10), ...holders("arn:ch1", 9, "x")],
    };
    // arn:ch0-l3 reloads its page: it had a slot on ch0, and gets ch0 again.
    expect(assignSlot(state, "arn:ch0-l3", limits, NOW)).toEqual({ kind: "keep", channelArn: "arn:ch0" });
  });

  it("keeps a disconnected listener's slot reserved during the grace period", () => {
    const listeners = holders("arn:ch0", 10).map((l, i) =>
      i === 0 ? { ...l, connected: false, lastActiveAt: NOW - 60_000 } : l,
    );
    expect(assignSlot({ channels: [channel(0)], listeners }, "new", limits, NOW)).toEqual({
      kind: "add-channel",
      index: 1,
    });
  });

  it("frees a slot once the grace period has passed", () => {
    const listeners = holders("arn:ch0", 10).map((l, i) =>
      i === 0 ? { ...l, connected: false, lastActiveAt: NOW - 180_000 } : l,
    );
    expect(assignSlot({ channels: [channel(0)], listeners }, "new", limits, NOW)).toEqual({
      kind: "assign",
      channelArn: "arn:ch0",
    });
  });

  it("does not count captions-only listeners against channels", () => {
    const listeners: SlotHolder[] = [...holders("arn:ch0", 9), { listenerId: "c", connected: true, lastActiveAt: NOW }];
    expect(assignSlot({ channels: [channel(0)], listeners }, "new", limits, NOW)).toEqual({
      kind: "assign",
      channelArn: "arn:ch0",
    });
  });
});
