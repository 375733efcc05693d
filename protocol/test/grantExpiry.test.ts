import { describe, expect, it } from "vitest";
import { GRANT_REFRESH_MARGIN_MS, grantIsFresh } from "../src/grantExpiry.js";

describe("grantIsFresh", () => {
  const now = 1_800_000_000_000;

  it("keeps a grant with more than the margin left", () => {
    expect(grantIsFresh(now + GRANT_REFRESH_MARGIN_MS + 1, now)).toBe(true);
    expect(grantIsFresh(now + 299_000, now)).toBe(true);
  });

  it("renews a grant within the margin of its expiry, or past it", () => {
    expect(grantIsFresh(now + GRANT_REFRESH_MARGIN_MS, now)).toBe(false);
    expect(grantIsFresh(now + 5_000, now)).toBe(false);
    expect(grantIsFresh(now - 1_000, now)).toBe(false);
  });
});
