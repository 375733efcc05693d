import { mkdtempSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAlive, markAlive } from "../src/health.js";

describe("relay liveness mark", () => {
  const dir = mkdtempSync(join(tmpdir(), "relay-health-"));

  it("is not alive before the first accepted heartbeat", () => {
    expect(isAlive(join(dir, "never"), Date.now(), 30_000)).toBe(false);
  });

  it("is alive just after a mark and not once the mark is older than the limit", () => {
    const file = join(dir, "alive");
    markAlive(file);
    const now = Date.now();
    expect(isAlive(file, now, 30_000)).toBe(true);
    const old = (now - 31_000) / 1000;
    utimesSync(file, old, old);
    expect(isAlive(file, now, 30_000)).toBe(false);
  });
});
