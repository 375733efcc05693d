import { describe, expect, it } from "vitest";
import { resolveInside } from "../../src/main/appFiles.js";

describe("bundled renderer files", () => {
  it("resolves paths inside the renderer folder and nothing outside it", () => {
    expect(resolveInside("/app/renderer", "/index.html")).toBe("/app/renderer/index.html");
    expect(resolveInside("/app/renderer", "/")).toBe("/app/renderer/index.html");
    // Climbing past the root stops at the root: the main process bundle stays out of reach.
    expect(resolveInside("/app/renderer", "/../main/index.cjs")).toBe("/app/renderer/main/index.cjs");
    expect(resolveInside("/app/renderer", "/%2e%2e/%2e%2e/etc/passwd")).toBe("/app/renderer/etc/passwd");
    expect(resolveInside("/app/renderer", "/%E0%A4%A")).toBeUndefined();
    expect(resolveInside("/app/renderer", "/a%00.js")).toBeUndefined();
  });
});
