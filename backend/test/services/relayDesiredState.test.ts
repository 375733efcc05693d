import { describe, expect, it } from "vitest";
import { HELD_WHILE_CONNECTED } from "../../src/services/channelPool.js";
import { channelsNeedingGrants, relayViewers } from "../../src/services/relayDesiredState.js";

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
