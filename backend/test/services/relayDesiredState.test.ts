import { describe, expect, it } from "vitest";
import { HELD_WHILE_CONNECTED } from "../../src/services/channelPool.js";
import {
  channelRoom,
  channelsNeedingGrants,
  type RelayWithSessions,
  relaysToReplace,
  relayViewers,
} from "../../src/services/relayDesiredState.js";

const NOW = 1_000_000;

describe("relay desired state", () => {
  const hold = (listenerId: string, channelArn: string, heldUntil = HELD_WHILE_CONNECTED) => ({
    item: `slot#${listenerId}`,
    listenerId,
    channelArn,
    heldUntil,
  });

  it("assigns each listener on the relay's channels the language it chose, and no one else", () => {
    const viewers = relayViewers(
      new Set(["arn:r1"]),
      [hold("a", "arn:r1"), hold("b", "arn:console"), hold("c", "arn:r1")],
      { a: "es", b: "fr", c: "en" },
      NOW,
    );
    expect(viewers).toEqual({ a: "es", c: "en" });
  });

  it("leaves out a listener whose language is not known yet and one whose hold ran out", () => {
    const viewers = relayViewers(
      new Set(["arn:r1"]),
      [hold("new", "arn:r1"), hold("gone", "arn:r1", NOW - 1)],
      { gone: "es" },
      NOW,
    );
    expect(viewers).toEqual({});
  });

  it("hands grants for channels the relay does not run yet or asked to renew", () => {
    expect([...channelsNeedingGrants(["a", "b", "c"], ["a", "b"], ["b"])]).toEqual(["b", "c"]);
    expect([...channelsNeedingGrants(["a"], undefined, undefined)]).toEqual(["a"]);
  });
});

describe("relay replacement", () => {
  const limits = { audioCapacity: 100, viewersPerChannel: 10, slotGraceMs: 0, relayDeadAfterMs: 5000 };
  const relay = (relayId: string, over: Partial<RelayWithSessions> = {}): RelayWithSessions => ({
    relayId,
    capacity: 100,
    listeners: 0,
    lastSeenAt: NOW,
    draining: false,
    sessions: ["amber-harbor-482"],
    ...over,
  });

  it("hands over the channels of dead and draining relays, never of live ones or the adopter's own", () => {
    const relays = [
      relay("relay-me", { lastSeenAt: NOW - 60_000 }),
      relay("relay-live"),
      relay("relay-dead", { lastSeenAt: NOW - 6000 }),
      relay("relay-leaving", { draining: true }),
      relay("relay-idle", { lastSeenAt: 0, sessions: [] }),
    ];
    expect(relaysToReplace(relays, "relay-me", NOW, limits).map((r) => r.relayId)).toEqual([
      "relay-dead",
      "relay-leaving",
    ]);
  });

  it("counts a relay's room in whole channels, from its load or the channels it holds", () => {
    expect(channelRoom(relay("r", { capacity: 100, listeners: 35 }), 2, 10)).toBe(6);
    expect(channelRoom(relay("r", { capacity: 100, listeners: 5 }), 9, 10)).toBe(1);
    expect(channelRoom(relay("r", { capacity: 20, listeners: 25 }), 0, 10)).toBe(0);
  });
});
