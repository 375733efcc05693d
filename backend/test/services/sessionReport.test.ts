import { describe, expect, it } from "vitest";
import {
  type CountsSample,
  listenerFigures,
  percentile,
  segmentOutcomes,
  stageLatencySummaries,
} from "../../src/services/sessionReport.js";
import type { SegmentRecord } from "../../src/tables/records.js";

const MIN = 60_000;
const sample = (at: number, byLanguage: Record<string, number>): CountsSample => ({
  at,
  total: Object.values(byLanguage).reduce((a, b) => a + b, 0),
  byLanguage,
});

describe("percentile", () => {
  it("takes the nearest rank: p50 of 1..10 is 5, p95 is 10", () => {
    const values = [7, 3, 10, 1, 9, 2, 8, 4, 6, 5];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("listenerFigures", () => {
  const t0 = 100 * MIN;
  const samples = [
    sample(t0, { es: 1 }),
    sample(t0 + 2 * MIN, { es: 2, fr: 1 }),
    sample(t0 + 2 * MIN + 5_000, { es: 3, fr: 1 }),
    sample(t0 + 2 * MIN + 5_000, { es: 2, fr: 1 }),
    sample(t0 + 4 * MIN, { fr: 1 }),
  ];

  it("counts listener-minutes as counts held over time, up to the end", () => {
    const { listenerMinutes } = listenerFigures(samples, t0 + 6 * MIN);
    // es: 1×2 + 2×(5 s) + 3×0 + 2×(2 min − 5 s) = 2 + 1/6 + 23/6 = 6 min; fr: 1 × 4 min
    expect(listenerMinutes.byLanguage).toEqual({ es: 6, fr: 4 });
    expect(listenerMinutes.total).toBe(10);
  });

  it("finds the peak, even one that lasted no time at all", () => {
    const { peak } = listenerFigures(samples, t0 + 6 * MIN);
    expect(peak.total).toBe(4);
    expect(peak.at).toBe(t0 + 2 * MIN + 5_000);
    expect(peak.byLanguage).toEqual({ es: 3, fr: 1 });
  });

  it("plots each minute's most listeners, from the first change to the end", () => {
    const { perMinute } = listenerFigures(samples, t0 + 6 * MIN);
    expect(perMinute.map((m) => [m.at - t0, m.total])).toEqual([
      [0, 1],
      [MIN, 1],
      [2 * MIN, 4],
      [3 * MIN, 3],
      [4 * MIN, 1],
      [5 * MIN, 1],
    ]);
    expect(perMinute[2]?.byLanguage).toEqual({ es: 3, fr: 1 });
  });

  it("treats a timestamp earlier than the change before it as that change's time", () => {
    const skewed = [sample(t0, { es: 1 }), sample(t0 + MIN, { es: 2 }), sample(t0 + MIN - 30_000, { es: 0 })];
    expect(listenerFigures(skewed, t0 + 2 * MIN).listenerMinutes.total).toBe(1);
  });

  it("has no peak and no minutes without samples", () => {
    expect(listenerFigures([], t0)).toEqual({
      perMinute: [],
      peak: { total: 0, byLanguage: {} },
      listenerMinutes: { total: 0, byLanguage: {} },
    });
  });
});

const segment = (seq: number, spokenEndAt: number, translations: SegmentRecord["translations"]): SegmentRecord => ({
  sessionId: "amber-harbor-482",
  seq,
  text: `segment ${seq}`,
  startTime: seq,
  endTime: seq + 1,
  stages: {
    spokenEndAt,
    committedAt: spokenEndAt + 100 * (seq + 1),
    sentAt: 0,
    receivedAt: spokenEndAt + 1000,
    persistedAt: spokenEndAt + 1010,
  },
  languages: ["en", "es", "fr"],
  translations,
});

describe("stageLatencySummaries and segmentOutcomes", () => {
  const segments = [
    segment(0, 10_000, { es: { text: "a", stages: { translatedAt: 11_210 }, attempts: 1 } }),
    segment(1, 20_000, {
      es: { text: "b", stages: { translatedAt: 21_410 }, attempts: 3 },
      fr: { text: "c", stages: { translatedAt: 21_110 } },
    }),
  ];

  it("reports p50 and p95 of each stage over segments (translations per language)", () => {
    const byStage = Object.fromEntries(stageLatencySummaries(segments, "en").map((s) => [s.stage, s]));
    expect(byStage.recognize).toEqual({ stage: "recognize", count: 2, p50Ms: 100, p95Ms: 200 });
    expect(byStage.send).toEqual({ stage: "send", count: 2, p50Ms: 800, p95Ms: 900 });
    expect(byStage.persist).toEqual({ stage: "persist", count: 2, p50Ms: 10, p95Ms: 10 });
    expect(byStage.translate).toEqual({ stage: "translate", count: 3, p50Ms: 200, p95Ms: 400 });
    expect(byStage.total).toEqual({ stage: "total", count: 3, p50Ms: 1210, p95Ms: 1410 });
  });

  it("counts lost translations per language and those that took a retry", () => {
    expect(segmentOutcomes(segments, "en")).toEqual({
      total: 2,
      translationsOwed: 4,
      lost: 1,
      retried: 1,
      lostByLanguage: { fr: 1 },
    });
  });
});
