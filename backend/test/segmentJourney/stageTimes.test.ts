import { describe, expect, it } from "vitest";
import { stageLatencies, stamp } from "../../src/segmentJourney/stageTimes.js";

describe("stage timestamps", () => {
  it("stamps each stage and derives the per-stage latencies", () => {
    let stages = stamp({}, "translatedAt", 1_120);
    stages = stamp(stages, "synthesizedAt", 1_300);
    stages = stamp(stages, "deliveredAt", 1_310);
    const source = { committedAt: 1_000, sentAt: 1_001, receivedAt: 1_020 };
    expect(stageLatencies(source, stages)).toEqual({
      receiveMs: 20,
      translateMs: 100,
      synthesizeMs: 180,
      deliverMs: 10,
      totalMs: 310,
    });
  });
});
