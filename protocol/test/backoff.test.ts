import { describe, expect, it } from "vitest";
import { RECONNECT_BASE_MS, RECONNECT_MAX_MS, reconnectDelayMs } from "../src/backoff.js";

const longest = () => 1;

describe("reconnectDelayMs", () => {
  it("doubles from the base delay", () => {
    expect(RECONNECT_BASE_MS).toBe(250);
    expect([0, 1, 2, 3].map((a) => reconnectDelayMs(a, longest))).toEqual([250, 500, 1000, 2000]);
  });

  it("never waits longer than the cap, so audio returns soon after the network", () => {
    expect(reconnectDelayMs(20, longest)).toBe(RECONNECT_MAX_MS);
    expect(reconnectDelayMs(1000, longest)).toBe(RECONNECT_MAX_MS);
    expect(RECONNECT_MAX_MS).toBeLessThanOrEqual(4000);
  });

  it("spreads a room of phones between half and all of the delay", () => {
    expect(reconnectDelayMs(3, () => 0)).toBe(1000);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(1500);
    for (let i = 0; i < 100; i++) {
      const delay = reconnectDelayMs(2);
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it("treats a negative attempt as the first", () => {
    expect(reconnectDelayMs(-1, longest)).toBe(RECONNECT_BASE_MS);
  });
});
