// Builds the console: renderer (browser ESM) → dist/renderer, main → dist/main/index.cjs,
// preload → dist/preload/index.cjs (one CommonJS file that requires only `electron`, as a
// sandboxed preload must be).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const dist = join(root, "dist");
const production = process.env.NODE_ENV !== "development";

/** AudioWorklet modules (`*.worklet.ts` anywhere under the renderer) load by URL: bundle each alone. */
function workletEntries(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...workletEntries(full));
    else if (name.endsWith(".worklet.ts")) out.push(full);
  }
  return out;
}

const shims = join(src, "renderer", "shims");
const common = { bundle: true, sourcemap: true, legalComments: "none", logLevel: "warning" };

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "renderer", "worklets"), { recursive: true });

const worklets = workletEntries(join(src, "renderer"));
await Promise.all([
  build({
    ...common,
    entryPoints: [join(src, "renderer", "main.tsx")],
    outfile: join(dist, "renderer", "app.js"),
    platform: "browser",
    format: "esm",
    target: "chrome120",
    minify: production,
    jsx: "automatic",
    jsxImportSource: "preact",
    define: {
      "process.env.PACKAGE_VERSION": '"2.9.0"',
      "process.env.NODE_ENV": production ? '"production"' : '"development"',
      // amazon-cognito-identity-js brings buffer@4, which reads Node's `global` at load.
      global: "globalThis",
    },
    // The KVS SDK's crypto polyfill and ws stub are dead weight in a browser (see research/listener-bundle.md).
    alias: { "isomorphic-webcrypto": join(shims, "webcrypto.ts"), ws: join(shims, "noWebSocket.ts") },
  }),
  ...worklets.map((entry) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile: join(
        dist,
        "renderer",
        "worklets",
        `${relative(src, entry)
          .split(/[\\/]/)
          .pop()
          .replace(/\.worklet\.ts$/, "")}.js`,
      ),
      platform: "browser",
      format: "esm",
      target: "chrome120",
      minify: production,
    }),
  ),
  build({
    ...common,
    entryPoints: [join(src, "main", "index.ts")],
    outfile: join(dist, "main", "index.cjs"),
    platform: "node",
    format: "cjs",
    target: "node22",
    external: ["electron", "electron-updater"],
  }),
  build({
    ...common,
    entryPoints: [join(src, "preload", "index.ts")],
    outfile: join(dist, "preload", "index.cjs"),
    platform: "node",
    format: "cjs",
    target: "node22",
    external: ["electron"],
  }),
]);
for (const file of ["index.html", "styles.css"]) cpSync(join(src, "renderer", file), join(dist, "renderer", file));
console.log(`console built: ${relative(process.cwd(), dist)}`);
