import { describe, expect, it } from "vitest";
import {
  type LatencyRow,
  medianTotal,
  stageDurations,
  totalMs,
  upsertRow,
} from "../../../src/renderer/live/latency.js";

describe("latency per stage", () => {
  it("splits a segment's journey into stages that add up to the total", () => {
    const d = stageDurations({
      source: { spokenEndAt: 1000, committedAt: 1400, sentAt: 1401, receivedAt: 1450, persistedAt: 1460 },
      stages: { translatedAt: 1700, synthesizedAt: 2100, deliveredAt: 2150 },
      playedAt: 2200,
    });
    expect(d).toEqual([
      { stage: "recognize", ms: 400 },
      { stage: "send", ms: 50 },
      { stage: "translate", ms: 250 },
      { stage: "synthesize", ms: 400 },
      { stage: "deliver", ms: 50 },
      { stage: "play", ms: 50 },
    ]);
    expect(totalMs(d)).toBe(1200);
  });

  it("puts synthesis after delivery when the console synthesized the speech itself", () => {
    const d = stageDurations({
      source: { spokenEndAt: 1000, committedAt: 1400, sentAt: 1401, receivedAt: 1450 },
      stages: { translatedAt: 1700, deliveredAt: 1750 },
      synthesizedByConsoleAt: 2050,
      playedAt: 2100,
    });
    expect(d.map((x) => [x.stage, x.ms])).toEqual([
      ["recognize", 400],
      ["send", 50],
      ["translate", 250],
      ["deliver", 50],
      ["synthesize", 300],
      ["play", 50],
    ]);
  });

  it("skips stages not reached yet and measures from the last known time", () => {
    const d = stageDurations({ source: { committedAt: 100, sentAt: 100 }, stages: { translatedAt: 400 } });
    expect(d).toEqual([
      { stage: "recognize", ms: 0 },
      { stage: "translate", ms: 300 },
    ]);
  });

  it("keeps the most recent rows, replacing a segment's row as stages arrive", () => {
    const row = (seq: number, total: number): LatencyRow => ({
      key: `${seq}:es`,
      segmentSeq: seq,
      language: "es",
      durations: [],
      totalMs: total,
    });
    let rows: LatencyRow[] = [];
    for (let i = 0; i < 5; i++) rows = upsertRow(rows, row(i, 1000 + i), 3);
    expect(rows.map((r) => r.segmentSeq)).toEqual([2, 3, 4]);
    rows = upsertRow(rows, row(3, 9000), 3);
    expect(rows.map((r) => r.totalMs)).toEqual([1002, 9000, 1004]);
    expect(medianTotal(rows)).toBe(1004);
    expect(medianTotal([])).toBeUndefined();
  });
});
