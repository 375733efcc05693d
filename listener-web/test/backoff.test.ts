import { describe, expect, it } from "vitest";
import { backoffDelay, RECONNECT_BACKOFF } from "../src/connection/backoff.js";

describe("backoffDelay", () => {
  it("doubles from the base delay", () => {
    const max = () => 1;
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, RECONNECT_BACKOFF, max))).toEqual([250, 500, 1000, 2000]);
  });

  it("never waits longer than the cap, so audio returns soon after the network", () => {
    expect(backoffDelay(20, RECONNECT_BACKOFF, () => 1)).toBe(RECONNECT_BACKOFF.maxMs);
    expect(RECONNECT_BACKOFF.maxMs).toBeLessThanOrEqual(4000);
  });

  it("spreads a room of phones between half and all of the delay", () => {
    expect(backoffDelay(3, RECONNECT_BACKOFF, () => 0)).toBe(1000);
    expect(backoffDelay(3, RECONNECT_BACKOFF, () => 0.5)).toBe(1500);
  });
});
