import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, version as esbuildVersion } from "esbuild";

/**
 * Each function's code is bundled with esbuild into one ES module, as the stack's
 * NodejsFunction bundles it for Lambda (`infra/lib/constructs/backendFunction.ts`), and a
 * container loads only that file: no TypeScript loader, no sharing of modules with the server.
 * Bundles are cached by entry file and rebuilt when any of their inputs changes.
 */

const BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  mainFields: ["module", "main"],
  sourcemap: true,
  // ESM output needs `require` for the CommonJS dependencies (the stack's banner).
  banner: {
    js: "import { createRequire as __bcCreateRequire } from 'node:module';const require = __bcCreateRequire(import.meta.url);",
  },
  logLevel: "silent",
} as const;

export const DEFAULT_BUNDLE_CACHE_DIR = join(tmpdir(), "babelcast-lambda-bundles");

interface BundleMeta {
  /** Input path (relative to the working dir esbuild used) to its mtime when bundled. */
  readonly inputs: Record<string, number>;
  readonly workingDir: string;
}

function upToDate(meta: BundleMeta): boolean {
  for (const [input, mtimeMs] of Object.entries(meta.inputs)) {
    try {
      if (statSync(resolve(meta.workingDir, input)).mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function readMeta(file: string): BundleMeta | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as BundleMeta;
  } catch {
    return undefined;
  }
}

/** How long another process may hold a bundle's build lock before it is taken as abandoned. */
const STALE_LOCK_MS = 120_000;

/** Bundles being built by this process, so servers started together build each one once. */
const building = new Map<string, Promise<string>>();

/** The file: URL of the bundle of `entry` (a file exporting `handler`), building it when stale. */
export function bundleHandler(entry: string, cacheDir = DEFAULT_BUNDLE_CACHE_DIR): Promise<string> {
  const key = createHash("sha256")
    .update(JSON.stringify([resolve(entry), esbuildVersion, BUNDLE_OPTIONS]))
    .digest("hex")
    .slice(0, 16);
  const dir = join(cacheDir, key);
  let pending = building.get(dir);
  if (!pending) {
    pending = bundleUnderLock(entry, dir).finally(() => building.delete(dir));
    building.set(dir, pending);
  }
  return pending;
}

/** Test files run in parallel processes: one builds while the others wait for its result. */
async function bundleUnderLock(entry: string, dir: string): Promise<string> {
  const outfile = join(dir, "handler.mjs");
  const metaFile = join(dir, "meta.json");
  const lock = join(dir, "build.lock");
  mkdirSync(dir, { recursive: true });
  for (;;) {
    const cached = readMeta(metaFile);
    if (cached && upToDate(cached)) return pathToFileURL(outfile).href;
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - lockTime(lock) > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  try {
    await buildBundle(entry, outfile, metaFile);
    return pathToFileURL(outfile).href;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function lockTime(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return Date.now();
  }
}

async function buildBundle(entry: string, outfile: string, metaFile: string): Promise<void> {
  const workingDir = process.cwd();
  const result = await build({
    ...BUNDLE_OPTIONS,
    mainFields: [...BUNDLE_OPTIONS.mainFields],
    entryPoints: [entry],
    outfile,
    write: false,
    metafile: true,
    absWorkingDir: workingDir,
  });
  // Written under temporary names and renamed: servers in parallel test files share the cache.
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  for (const file of result.outputFiles) {
    writeFileSync(file.path + suffix, file.contents);
    renameSync(file.path + suffix, file.path);
  }
  const inputs: Record<string, number> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    inputs[input] = statSync(resolve(workingDir, input)).mtimeMs;
  }
  writeFileSync(metaFile + suffix, JSON.stringify({ inputs, workingDir } satisfies BundleMeta));
  renameSync(metaFile + suffix, metaFile);
}
