import { describe, expect, it } from "vitest";
import { INTERPRETER_QUIET_MS, NOT_LIVE, observePackets } from "../../../src/renderer/media/interpreterLiveness.js";

describe("observePackets", () => {
  it("is not live before the first packet", () => {
    expect(observePackets(NOT_LIVE, 0, 1_000).live).toBe(false);
  });

  it("is live while the packet count grows", () => {
    let s = observePackets(NOT_LIVE, 10, 1_000);
    expect(s.live).toBe(true);
    s = observePackets(s, 22, 1_250);
    expect(s.live).toBe(true);
  });

  it("stays live through a short stall, and ends once no packet came for the quiet time", () => {
    let s = observePackets(NOT_LIVE, 10, 1_000);
    s = observePackets(s, 10, 1_000 + INTERPRETER_QUIET_MS - 1);
    expect(s.live).toBe(true);
    s = observePackets(s, 10, 1_000 + INTERPRETER_QUIET_MS);
    expect(s.live).toBe(false);
  });

  it("is live again when packets resume", () => {
    let s = observePackets(NOT_LIVE, 10, 1_000);
    s = observePackets(s, 10, 5_000);
    expect(s.live).toBe(false);
    s = observePackets(s, 11, 5_250);
    expect(s.live).toBe(true);
  });

  it("never counts a lower count (a stats entry of another stream) as growth", () => {
    let s = observePackets(NOT_LIVE, 50, 1_000);
    s = observePackets(s, 40, 1_100);
    expect(s.packets).toBe(50);
    expect(s.lastGrowthAt).toBe(1_000);
  });
});
