import { describe, expect, it } from "vitest";
import { InOrderRelease } from "../../src/services/pipeline/inOrderRelease.js";
import { DEFAULT_LAG_SETTINGS, LagController } from "../../src/services/pipeline/lagController.js";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  withRetry,
} from "../../src/services/pipeline/retryPolicy.js";
import { stageLatencies, stamp } from "../../src/services/pipeline/stageTimes.js";
import { DEFAULT_TALK, simulateTalk } from "../support/talkSimulation.js";

describe("in-order release per language", () => {
  it("holds a segment that finished early until every earlier one of its language is out", () => {
    const release = new InOrderRelease<string>();
    const [a, b, c] = [release.assign("es"), release.assign("es"), release.assign("es")];
    expect(release.complete("es", c, "third")).toEqual([]);
    expect(release.complete("es", b, "second")).toEqual([]);
    expect(release.heldBack("es")).toBe(2);
    expect(release.complete("es", a, "first")).toEqual(["first", "second", "third"]);
  });

  it("numbers each language on its own, so one language's wait never holds another", () => {
    const release = new InOrderRelease<string>();
    const es0 = release.assign("es");
    const fr0 = release.assign("fr");
    const fr1 = release.assign("fr");
    expect([es0, fr0, fr1]).toEqual([0, 0, 1]);
    expect(release.complete("fr", fr0, "fr-0")).toEqual(["fr-0"]);
    expect(release.complete("fr", fr1, "fr-1")).toEqual(["fr-1"]);
    expect(release.complete("es", es0, "es-0")).toEqual(["es-0"]);
  });

  it("refuses the same segment twice", () => {
    const release = new InOrderRelease<string>();
    const s = release.assign("es");
    release.complete("es", s, "x");
    expect(() => release.complete("es", s, "x")).toThrow(/twice/);
  });
});

describe("retry with exponential backoff and jitter", () => {
  const noSleep = { sleep: async () => undefined, random: () => 1 };

  it("grows the delay ceiling exponentially up to the cap, jittered below it", () => {
    const policy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });

  it("retries throttling until it succeeds", async () => {
    let calls = 0;
    const delays: number[] = [];
    const out = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error("slow down"), { name: "TooManyRequestsException" });
        return "ok";
      },
      DEFAULT_RETRY_POLICY,
      { ...noSleep, onRetry: (_a, _e, d) => delays.push(d) },
    );
    expect(out).toEqual({ ok: true, value: "ok", attempts: 3 });
    expect(delays).toEqual([200, 400]);
  });

  it("gives up after the last attempt and reports the error", async () => {
    const out = await withRetry(
      async () => Promise.reject(new Error("boom")),
      { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 },
      noSleep,
    );
    expect(out.ok).toBe(false);
    expect(out.attempts).toBe(3);
  });

  it("does not retry what no retry can fix", async () => {
    const err = Object.assign(new Error("no route"), { name: "UnsupportedLanguagePairException" });
    expect(isRetryable(err)).toBe(false);
    const out = await withRetry(async () => Promise.reject(err), DEFAULT_RETRY_POLICY, noSleep);
    expect(out.attempts).toBe(1);
  });
});

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
});

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
