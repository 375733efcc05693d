// Builds the listener page into dist/: index.html plus content-hashed JS and CSS under
// assets/, then prints each file's gzip size against the budget.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { analyzeMetafile, build, type Plugin } from "esbuild";
import { DIST_DIR, GZIP_BUDGET_BYTES, measureDist, totalGzipBytes } from "./budget.js";

const root = join(import.meta.dirname, "..");
const src = join(root, "src");
const sdkPackageJson = join(import.meta.dirname, "../../node_modules/amazon-kinesis-video-streams-webrtc/package.json");
const sdkDir = dirname(sdkPackageJson);
const sdkVersion = JSON.parse(readFileSync(sdkPackageJson, "utf8")).version as string;

/**
 * The KVS SDK is CommonJS written for Node and old browsers, so nothing in it is tree-shaken.
 * Inside the SDK only, these imports get what a presigned-URL viewer in a current browser runs
 * (see research/listener-bundle.md and the "Listener page bytes" section of docs/performance.md).
 */
const sdkShims: Record<string, string> = {
  tslib: "tslib.ts",
  events: "events.ts",
  ws: "empty.ts",
  "./SigV4RequestSigner": "sigV4RequestSigner.ts",
};
const kvsSdkShims: Plugin = {
  name: "kvs-sdk-shims",
  setup(b) {
    b.onResolve({ filter: /^(tslib|events|ws|\.\/SigV4RequestSigner)$/ }, (args) => {
      const shim = sdkShims[args.path];
      return shim && args.importer.startsWith(sdkDir) ? { path: join(src, "shims", shim) } : undefined;
    });
  },
};

rmSync(DIST_DIR, { recursive: true, force: true });
mkdirSync(join(DIST_DIR, "assets"), { recursive: true });

const result = await build({
  entryPoints: [join(src, "main.tsx")],
  outdir: join(DIST_DIR, "assets"),
  entryNames: "app-[hash]",
  bundle: true,
  minify: true,
  format: "esm",
  // Safari 15 (iOS 15, 2021): esbuild cannot lower destructuring for Safari 14's parser bug.
  target: ["es2020", "safari15"],
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  metafile: true,
  define: {
    "process.env.PACKAGE_VERSION": JSON.stringify(sdkVersion),
    "process.env.NODE_ENV": '"production"',
  },
  plugins: [kvsSdkShims],
  logLevel: "warning",
});

// `npm run build -w listener-web -- --analyze`: what each module costs, largest first.
if (process.argv.includes("--analyze")) console.log(await analyzeMetafile(result.metafile));

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith(".js"));
const css = outputs.find((f) => f.endsWith(".css"));
if (!js || !css) throw new Error(`build produced ${outputs.join(", ")}: expected one .js and one .css`);

const tags = `<link rel="stylesheet" href="/s/assets/${css}">\n<script type="module" src="/s/assets/${js}"></script>`;
const html = readFileSync(join(src, "index.html"), "utf8").replace("<!--assets-->", tags).replace(/\n\s*/g, "\n");
writeFileSync(join(DIST_DIR, "index.html"), html);

const sizes = measureDist();
const total = totalGzipBytes(sizes);
// For `npm run bench` (listener_page_gzip_bytes); not served, and not counted (it is JSON).
writeFileSync(
  join(DIST_DIR, "size.json"),
  `${JSON.stringify({ files: sizes, totalGzipBytes: total, budgetBytes: GZIP_BUDGET_BYTES }, null, 2)}\n`,
);
for (const f of sizes) console.log(`listener-web  ${f.file.padEnd(32)} ${f.bytes} B, ${f.gzipBytes} B gzip`);
const verdict = total <= GZIP_BUDGET_BYTES ? "within" : "OVER";
console.log(`listener-web  total ${total} B gzip: ${verdict} the ${GZIP_BUDGET_BYTES} B budget`);
