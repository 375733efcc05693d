import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, isRetryable, withRetry } from "../../src/segmentJourney/retryPolicy.js";

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
