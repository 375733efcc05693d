import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { embedPageHtml } from "@babelcast/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DIST_DIR,
  EMBED_GZIP_BUDGET_BYTES,
  GZIP_BUDGET_BYTES,
  measureEmbed,
  measurePage,
  pageAssets,
  SCREEN_GZIP_BUDGET_BYTES,
  totalGzipBytes,
} from "../scripts/budget.js";

describe("built listener site", () => {
  beforeAll(() => {
    // `npm test` builds first; a lone `vitest run` builds here so the check is never skipped.
    if (!existsSync(join(DIST_DIR, "embed", "embed.js"))) {
      execFileSync("npm", ["run", "build", "-w", "listener-web", "--silent"], { cwd: join(DIST_DIR, "..", "..") });
    }
  }, 120_000);

  it(`fits the listener page's HTML + JS + CSS in ${GZIP_BUDGET_BYTES} bytes gzip`, () => {
    const sizes = measurePage("index.html");
    expect(sizes.map((s) => s.file.split(".").pop()).sort()).toEqual(["css", "html", "js"]);
    expect(totalGzipBytes(sizes)).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });

  it(`fits the caption screen's HTML + JS + CSS in ${SCREEN_GZIP_BUDGET_BYTES} bytes gzip`, () => {
    const sizes = measurePage("screen.html");
    expect(sizes.map((s) => s.file.split(".").pop()).sort()).toEqual(["css", "html", "js"]);
    expect(totalGzipBytes(sizes)).toBeLessThanOrEqual(SCREEN_GZIP_BUDGET_BYTES);
  });

  it(`fits the embed player's JS + CSS and the API's embed HTML in ${EMBED_GZIP_BUDGET_BYTES} bytes gzip`, () => {
    const sizes = measureEmbed(embedPageHtml("https://d111111abcdef8.cloudfront.net"));
    expect(totalGzipBytes(sizes)).toBeLessThanOrEqual(EMBED_GZIP_BUDGET_BYTES);
  });

  it("references exactly the assets each page was built with", () => {
    for (const page of ["index.html", "screen.html"]) {
      const refs = pageAssets(page);
      expect(refs).toHaveLength(2);
      for (const ref of refs) expect(existsSync(join(DIST_DIR, ref)), ref).toBe(true);
    }
  });

  it("carries no AWS credentials or AWS SDK, and none of the polyfills the aliases remove", () => {
    const scripts = [
      ...pageAssets("index.html").filter((f) => f.endsWith(".js")),
      ...pageAssets("screen.html").filter((f) => f.endsWith(".js")),
      "embed/embed.js",
    ];
    for (const file of scripts) {
      const js = readFileSync(join(DIST_DIR, file), "utf8");
      expect(js).not.toMatch(/AKIA[0-9A-Z]{16}/);
      expect(js).not.toContain("@aws-sdk");
      expect(js).not.toContain("webcrypto-shim");
      expect(js).not.toContain("process.env");
    }
  });
});
