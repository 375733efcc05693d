import { describe, expect, it } from "vitest";
import { settleDecision } from "../../report/runConditions.js";

describe("waiting for a quiet machine between benches", () => {
  const policy = { quietLoad: 1, maxWaitMs: 300_000 };

  it("starts at once when the load is at or under the quiet level", () => {
    expect(settleDecision(0.4, 0, policy)).toBe("start");
    expect(settleDecision(1, 120_000, policy)).toBe("start");
  });

  it("waits while the load is over it and the wait is not used up", () => {
    expect(settleDecision(6.1, 0, policy)).toBe("wait");
    expect(settleDecision(1.01, 299_999, policy)).toBe("wait");
  });

  it("gives up (the bench starts, its conditions showing the load) once the longest wait is over", () => {
    expect(settleDecision(3, 300_000, policy)).toBe("give-up");
  });
});
