import { describe, expect, it } from "vitest";
import { DEFAULT_LAG_SETTINGS, LagController } from "../../../src/renderer/speech/lagController.js";
import { DEFAULT_TALK, simulateTalk } from "./talkSimulation.js";

describe("bounded lag over a 10-minute synthetic talk (fake clock)", () => {
  it("keeps the delay behind the presenter within the configured bound", () => {
    const result = simulateTalk(DEFAULT_TALK, DEFAULT_LAG_SETTINGS);
    expect(result.segments).toBeGreaterThan(100);
    expect(result.finalDelaySeconds).toBeLessThanOrEqual(DEFAULT_LAG_SETTINGS.maxDelaySeconds);
    expect(result.maxDelaySeconds).toBeLessThanOrEqual(DEFAULT_LAG_SETTINGS.maxDelaySeconds);
    // It had to speed up to do so, and never past its limit.
    expect(Math.max(...result.rates)).toBeGreaterThan(1.1);
    expect(Math.max(...result.rates)).toBeLessThanOrEqual(DEFAULT_LAG_SETTINGS.maxRate);
  });

  it("without the controller the delay grows for the whole talk", () => {
    const result = simulateTalk(DEFAULT_TALK, { ...DEFAULT_LAG_SETTINGS, maxRate: 1 });
    // 30 % longer speech over 10 minutes: about three minutes behind by the end.
    expect(result.finalDelaySeconds).toBeGreaterThan(100);
    const firstHalf = result.delays[Math.floor(result.delays.length / 2)] ?? 0;
    expect(result.finalDelaySeconds).toBeGreaterThan(firstHalf * 1.5);
  });

  it("cannot hold the bound when the speech needs more than the maximum rate", () => {
    const result = simulateTalk({ ...DEFAULT_TALK, expansion: 2 }, DEFAULT_LAG_SETTINGS);
    expect(result.finalDelaySeconds).toBeGreaterThan(DEFAULT_LAG_SETTINGS.maxDelaySeconds);
  });

  it("speaks at the normal rate when the queue is short", () => {
    const controller = new LagController();
    const decision = controller.chooseRate("es", { nowMs: 10_500, sourceEndMs: 10_000, characters: 30 });
    expect(decision.rate).toBe(1);
  });

  it("releases what it reserved for a segment whose synthesis failed", () => {
    const controller = new LagController();
    const decision = controller.chooseRate("es", { nowMs: 0, sourceEndMs: 0, characters: 140 });
    expect(controller.queuedMs("es", 0)).toBeGreaterThan(0);
    controller.cancel("es", decision);
    expect(controller.queuedMs("es", 0)).toBe(0);
  });
});
