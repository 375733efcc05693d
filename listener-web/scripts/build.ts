// Builds the listener site into dist/: the listener page (index.html), the caption screen
// (screen.html), both with content-hashed JS and CSS under assets/, and the embeddable
// player's script and style at fixed names under embed/ (the API's embed HTML names them).
// Then prints each one's gzip size against its budget.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { embedPageHtml } from "@babelcast/protocol";
import { analyzeMetafile, type BuildOptions, build, type Plugin } from "esbuild";
import {
  DIST_DIR,
  EMBED_GZIP_BUDGET_BYTES,
  type FileSize,
  GZIP_BUDGET_BYTES,
  measureEmbed,
  measurePage,
  SCREEN_GZIP_BUDGET_BYTES,
  totalGzipBytes,
} from "./budget.js";

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

const common: BuildOptions = {
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
};

rmSync(DIST_DIR, { recursive: true, force: true });
mkdirSync(join(DIST_DIR, "assets"), { recursive: true });

/** Builds one page's entry with hashed names and writes its HTML naming them. */
async function buildPage(entry: string, name: string, html: string): Promise<string> {
  const result = await build({
    ...common,
    entryPoints: [join(src, entry)],
    outdir: join(DIST_DIR, "assets"),
    entryNames: `${name}-[hash]`,
  });
  // `npm run build -w listener-web -- --analyze`: what each module costs, largest first.
  if (process.argv.includes("--analyze")) console.log(await analyzeMetafile(result.metafile!));
  const outputs = Object.keys(result.metafile!.outputs).map((p) => basename(p));
  const js = outputs.find((f) => f.endsWith(".js"));
  const css = outputs.find((f) => f.endsWith(".css"));
  if (!js || !css) throw new Error(`build of ${entry} produced ${outputs.join(", ")}: expected one .js and one .css`);
  const tags = `<link rel="stylesheet" href="/s/assets/${css}">\n<script type="module" src="/s/assets/${js}"></script>`;
  const page = readFileSync(join(src, html), "utf8").replace("<!--assets-->", tags).replace(/\n\s*/g, "\n");
  writeFileSync(join(DIST_DIR, html), page);
  return html;
}

await buildPage("main.tsx", "app", "index.html");
await buildPage("screen.tsx", "screen", "screen.html");
await build({ ...common, entryPoints: [join(src, "embed.tsx")], outdir: join(DIST_DIR, "embed"), entryNames: "embed" });

const report = (label: string, sizes: FileSize[], budget: number) => {
  for (const f of sizes) console.log(`${label}  ${f.file.padEnd(32)} ${f.bytes} B, ${f.gzipBytes} B gzip`);
  const total = totalGzipBytes(sizes);
  console.log(`${label}  total ${total} B gzip: ${total <= budget ? "within" : "OVER"} the ${budget} B budget`);
  return total;
};
const sizes = measurePage("index.html");
const total = report("listener-web", sizes, GZIP_BUDGET_BYTES);
const screen = report("caption screen", measurePage("screen.html"), SCREEN_GZIP_BUDGET_BYTES);
const embed = report(
  "embed player",
  measureEmbed(embedPageHtml("https://d111111abcdef8.cloudfront.net")),
  EMBED_GZIP_BUDGET_BYTES,
);
// For `npm run bench` (listener_page_gzip_bytes); not served, and not counted (it is JSON).
writeFileSync(
  join(DIST_DIR, "size.json"),
  `${JSON.stringify(
    {
      files: sizes,
      totalGzipBytes: total,
      budgetBytes: GZIP_BUDGET_BYTES,
      captionScreen: { totalGzipBytes: screen, budgetBytes: SCREEN_GZIP_BUDGET_BYTES },
      embedPlayer: { totalGzipBytes: embed, budgetBytes: EMBED_GZIP_BUDGET_BYTES },
    },
    null,
    2,
  )}\n`,
);
