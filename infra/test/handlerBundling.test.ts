import { relative, sep } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { ESBUILD_DEFAULTS, REPO_ROOT } from "../lib/constructs/backendFunction.js";
import { HANDLER_ENTRIES, handlerPath, missingHandlers } from "../lib/handlerEntries.js";

/** Bundles a handler exactly as `cdk deploy` does (same esbuild options), in memory. */
async function bundle(entry: string) {
  return build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: "out",
    metafile: true,
    logLevel: "silent",
    absWorkingDir: REPO_ROOT,
    platform: ESBUILD_DEFAULTS.platform,
    target: ESBUILD_DEFAULTS.target,
    format: ESBUILD_DEFAULTS.format,
    sourcemap: ESBUILD_DEFAULTS.sourcemap,
    minify: ESBUILD_DEFAULTS.minify,
    mainFields: [...ESBUILD_DEFAULTS.mainFields],
    banner: { js: ESBUILD_DEFAULTS.banner },
    external: [...ESBUILD_DEFAULTS.external],
  });
}

describe("backend handlers bundle for Lambda", () => {
  it("has a file for every handler of the list", () => {
    expect(missingHandlers().map((h) => h.file)).toEqual([]);
  });

  // Entries that deploy one file as several functions (one role each) bundle it once.
  const files = [...new Map(HANDLER_ENTRIES.map((h) => [h.file, h])).values()];
  it.each(files.map((h) => [h.file, h] as const))(
    "%s bundles with esbuild, exports handler and leaves the embedded server out",
    async (_file, entry) => {
      const result = await bundle(handlerPath(entry));
      expect(result.errors).toEqual([]);
      const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
      expect(js?.text).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
      expect(result.outputFiles.some((f) => f.path.endsWith(".js.map"))).toBe(true);
      const inputs = Object.keys(result.metafile.inputs).map((p) => relative(REPO_ROOT, p).split(sep).join("/"));
      expect(inputs.filter((p) => p.startsWith("embedded/"))).toEqual([]);
      // The AWS SDK is bundled, so the function runs the versions the tests ran.
      expect(inputs.some((p) => p.includes("node_modules/@aws-sdk/"))).toBe(true);
    },
  );
});
