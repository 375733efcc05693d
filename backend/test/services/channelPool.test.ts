import { describe, expect, it } from "vitest";
import {
  captionsOnlyReason,
  HELD_WHILE_CONNECTED,
  NO_RELAY_ROOM_REASON,
  planJoin,
  poolSlots,
  type RelayState,
  type SlotHold,
  slotHeldUntil,
  slotItem,
} from "../../src/services/channelPool.js";
import type { ChannelRecord } from "../../src/services/sessionRecords.js";

const NOW = 1_000_000;
const limits = { audioCapacity: 100, viewersPerChannel: 10, slotGraceMs: 120_000 };
const first = () => 0;

function channel(index: number): ChannelRecord {
  return { channelArn: `arn:ch${index}`, channelName: `c-${index}`, index, createdAt: 0 };
}

/** `n` slots of channel `index` held by connected listeners. */
function held(index: number, n: number, prefix = `ch${index}`): SlotHold[] {
  return Array.from({ length: n }, (_, s) => ({
    item: slotItem(index, s),
    listenerId: `${prefix}-l${s}`,
    heldUntil: HELD_WHILE_CONNECTED,
  }));
}

const channelsOf = (plan: ReturnType<typeof planJoin>) =>
  plan.kind === "claim" ? [...new Set(plan.candidates.map((c) => c.channelArn))] : [];

describe("channel pool", () => {
  it("asks for the first channel when the pool is empty", () => {
    expect(planJoin([], [], "new", limits, NOW, first)).toEqual({ kind: "add-channel", index: 0 });
  });

  it("offers free slots of the lowest channel first", () => {
    const plan = planJoin([channel(0), channel(1)], [...held(0, 10), ...held(1, 3)], "new", limits, NOW, first);
    expect(plan.kind).toBe("claim");
    expect(channelsOf(plan)).toEqual(["arn:ch1"]);
    expect(plan.kind === "claim" && plan.candidates).toHaveLength(7);
  });

  it("spreads racing joins over a channel's free slots instead of all trying the same one", () => {
    const a = planJoin([channel(0)], [], "a", limits, NOW, () => 0);
    const b = planJoin([channel(0)], [], "b", limits, NOW, () => 0.55);
    expect(a.kind === "claim" && a.candidates[0]?.item).not.toBe(b.kind === "claim" && b.candidates[0]?.item);
  });

  it("asks for a new channel when every slot is held", () => {
    const plan = planJoin([channel(0), channel(1)], [...held(0, 10), ...held(1, 10)], "new", limits, NOW, first);
    expect(plan).toEqual({ kind: "add-channel", index: 2 });
  });

  it("offers no more slots than the audio capacity, then captions-only with a reason a person understands", () => {
    expect(poolSlots([channel(0), channel(1)], { ...limits, audioCapacity: 15 })).toHaveLength(15);
    const plan = planJoin(
      [channel(0), channel(1)],
      [...held(0, 10), ...held(1, 5)],
      "new",
      { ...limits, audioCapacity: 15 },
      NOW,
      first,
    );
    expect(plan.kind).toBe("captions-only");
    expect(plan.kind === "captions-only" && plan.reason).toMatch(/Audio is full.*15 listeners.*captions/);
  });

  it("offers captions only when the capacity is zero", () => {
    const plan = planJoin([], [], "new", { ...limits, audioCapacity: 0 }, NOW, first);
    expect(plan).toEqual({ kind: "captions-only", reason: captionsOnlyReason(0) });
  });

  it("gives a rejoining listener its own slot back first, even when the channel is otherwise full", () => {
    const plan = planJoin([channel(0), channel(1)], [...held(0, 10), ...held(1, 9)], "ch0-l3", limits, NOW, first);
    expect(plan.kind === "claim" && plan.candidates[0]).toMatchObject({ item: slotItem(0, 3), channelArn: "arn:ch0" });
  });

  it("keeps a disconnected listener's slot reserved during the grace period, frees it after", () => {
    const away = (since: number) =>
      held(0, 10).map((h, i) =>
        i === 0 ? { ...h, heldUntil: slotHeldUntil(false, NOW - since, limits.slotGraceMs) } : h,
      );
    expect(planJoin([channel(0)], away(60_000), "new", limits, NOW, first)).toEqual({ kind: "add-channel", index: 1 });
    const freed = planJoin([channel(0)], away(180_000), "new", limits, NOW, first);
    expect(freed.kind === "claim" && freed.candidates.map((c) => c.item)).toEqual([slotItem(0, 0)]);
  });

  it("holds a connected listener's slot until it disconnects", () => {
    expect(slotHeldUntil(true, NOW, limits.slotGraceMs)).toBe(HELD_WHILE_CONNECTED);
    expect(slotHeldUntil(false, NOW, limits.slotGraceMs)).toBe(NOW + limits.slotGraceMs);
  });
});

describe("channel pool across relays", () => {
  const relayLimits = { ...limits, directCapacity: 10, relayDeadAfterMs: 5000 };
  const relayChannel = (index: number, relayId: string): ChannelRecord => ({
    ...channel(index),
    host: "relay",
    relayId,
  });
  const relay = (relayId: string, over: Partial<RelayState> = {}): RelayState => ({
    relayId,
    capacity: 100,
    listeners: 0,
    lastSeenAt: NOW - 1000,
    draining: false,
    ...over,
  });

  it("fills the console's direct slots before any relay channel", () => {
    const plan = planJoin([channel(0), relayChannel(1, "r1")], held(0, 3), "new", relayLimits, NOW, first, [
      relay("r1"),
    ]);
    expect(channelsOf(plan)).toEqual(["arn:ch0", "arn:ch1"]);
  });

  it("offers the console no more slots than its direct capacity", () => {
    const small = { ...relayLimits, directCapacity: 1 };
    expect(poolSlots([channel(0)], small, [], NOW)).toHaveLength(1);
    const plan = planJoin([channel(0)], held(0, 1), "new", small, NOW, first, [relay("r1")]);
    expect(plan).toEqual({ kind: "add-channel", index: 1, relayId: "r1" });
  });

  it("adds console channels while the console is under its direct capacity", () => {
    const twenty = { ...relayLimits, directCapacity: 20 };
    expect(planJoin([channel(0)], held(0, 10), "new", twenty, NOW, first, [relay("r1")])).toEqual({
      kind: "add-channel",
      index: 1,
    });
  });

  it("adds a relay channel on the relay with the most room", () => {
    const plan = planJoin([channel(0)], held(0, 10), "new", relayLimits, NOW, first, [
      relay("r1", { listeners: 95 }),
      relay("r2", { listeners: 40 }),
    ]);
    expect(plan).toEqual({ kind: "add-channel", index: 1, relayId: "r2" });
  });

  it("skips a dead or draining relay, and its channels offer no slot", () => {
    const relays = [relay("dead", { lastSeenAt: NOW - 6000 }), relay("leaving", { draining: true })];
    const channels = [channel(0), relayChannel(1, "dead"), relayChannel(2, "leaving")];
    expect(poolSlots(channels, relayLimits, relays, NOW)).toHaveLength(10);
    const plan = planJoin(channels, held(0, 10), "new", relayLimits, NOW, first, relays);
    expect(plan.kind).toBe("captions-only");
    const withLive = planJoin(channels, held(0, 10), "new", relayLimits, NOW, first, [...relays, relay("r3")]);
    expect(withLive).toEqual({ kind: "add-channel", index: 3, relayId: "r3" });
  });

  it("gives a listener of a dead relay's channel a fresh slot instead of its own", () => {
    const channels = [channel(0), relayChannel(1, "dead"), relayChannel(2, "live")];
    const holds = [...held(0, 10), { item: slotItem(1, 0), listenerId: "me", heldUntil: HELD_WHILE_CONNECTED }];
    const plan = planJoin(channels, holds, "me", relayLimits, NOW, first, [
      relay("dead", { lastSeenAt: NOW - 60_000 }),
      relay("live"),
    ]);
    expect(channelsOf(plan)).toEqual(["arn:ch2"]);
  });

  it("answers captions only when no relay has room past the direct capacity", () => {
    const full = relay("r1", { capacity: 10 });
    const plan = planJoin(
      [channel(0), relayChannel(1, "r1")],
      [...held(0, 10), ...held(1, 10)],
      "new",
      relayLimits,
      NOW,
      first,
      [full],
    );
    expect(plan).toEqual({ kind: "captions-only", reason: NO_RELAY_ROOM_REASON });
  });

  it("never offers more than the audio capacity, relays included", () => {
    const capped = { ...relayLimits, audioCapacity: 15 };
    const channels = [channel(0), relayChannel(1, "r1")];
    expect(poolSlots(channels, capped, [relay("r1")], NOW)).toHaveLength(15);
    const plan = planJoin(channels, [...held(0, 10), ...held(1, 5)], "new", capped, NOW, first, [
      relay("r1"),
      relay("r2"),
    ]);
    expect(plan).toEqual({ kind: "captions-only", reason: captionsOnlyReason(15) });
  });
});
