import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DIST_DIR, GZIP_BUDGET_BYTES, measureDist, totalGzipBytes } from "../scripts/budget.js";

describe("built listener page", () => {
  beforeAll(() => {
    // `npm test` builds first; a lone `vitest run` builds here so the check is never skipped.
    if (!existsSync(join(DIST_DIR, "index.html"))) {
      execFileSync("npm", ["run", "build", "-w", "listener-web", "--silent"], { cwd: join(DIST_DIR, "..", "..") });
    }
  }, 120_000);

  it(`fits HTML + JS + CSS in ${GZIP_BUDGET_BYTES} bytes gzip`, () => {
    const sizes = measureDist();
    expect(sizes.map((s) => s.file.split(".").pop()).sort()).toEqual(["css", "html", "js"]);
    expect(totalGzipBytes(sizes)).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });

  it("references exactly the assets it was built with", () => {
    const html = readFileSync(join(DIST_DIR, "index.html"), "utf8");
    const refs = [...html.matchAll(/(?:href|src)="\/s\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(refs).toHaveLength(2);
    for (const ref of refs) expect(existsSync(join(DIST_DIR, ref)), ref).toBe(true);
  });

  it("carries no AWS credentials or AWS SDK, and none of the polyfills the aliases remove", () => {
    const sizes = measureDist();
    const js = readFileSync(join(DIST_DIR, sizes.find((s) => s.file.endsWith(".js"))!.file), "utf8");
    expect(js).not.toMatch(/AKIA[0-9A-Z]{16}/);
    expect(js).not.toContain("@aws-sdk");
    expect(js).not.toContain("webcrypto-shim");
    expect(js).not.toContain("process.env");
  });
});
