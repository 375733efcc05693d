import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, freemem, totalmem } from "node:os";
import { basename, join } from "node:path";
import { cdfPoints, lineChartSvg } from "./report/svgPlot.js";

/**
 * Runs every `e2e/bench/*.bench.ts` (or those named on the command line), each in its own
 * process: each prints progress to stderr and one JSON line `{"metrics": {...}, "series": {...}}`
 * to stdout. Writes bench/results.json, bench/report.md and bench/*.svg.
 */

type Metric = Record<string, unknown>;
type Series = Record<string, (readonly [number, number])[] | number[]>;

/** Every metric the product promises to measure; absent ones are reported as skipped. */
const REQUIRED_METRICS = [
  "audio_glass_to_glass_ms",
  "caption_latency_ms",
  "speech_latency_ms",
  "stage_ms",
  "pipeline_overhead_ms",
  "lag_drift_s",
  "max_audio_listeners",
  "max_caption_clients",
  "listener_page_gzip_bytes",
  "tap_to_audio_ms",
  "signaling_relay_ms",
  "asr_wer",
  "asr_rtf",
  "engine_ms",
];

const root = join(import.meta.dirname, "..", "..");
const benchDir = import.meta.dirname;
const outDir = join(root, "bench");
const PER_BENCH_TIMEOUT_MS = 6 * 60_000;

function benchFiles(names: string[]): string[] {
  const all = readdirSync(benchDir)
    .filter((f) => f.endsWith(".bench.ts"))
    .sort();
  if (names.length === 0) return all;
  const chosen = all.filter((f) => names.includes(basename(f, ".bench.ts")));
  const unknown = names.filter((n) => !all.includes(`${n}.bench.ts`));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark ${unknown.join(", ")}; known: ${all.map((f) => basename(f, ".bench.ts")).join(", ")}`,
    );
  }
  return chosen;
}

function runOne(file: string): Promise<{ metrics: Record<string, Metric>; series: Series; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(root, "node_modules", ".bin", "tsx"), [join(benchDir, file)], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), PER_BENCH_TIMEOUT_MS);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").at(-1) ?? "";
      try {
        const parsed = JSON.parse(last) as { metrics?: Record<string, Metric>; series?: Series };
        resolve({ metrics: parsed.metrics ?? {}, series: parsed.series ?? {} });
      } catch {
        resolve({ metrics: {}, series: {}, error: `exited ${code} without a JSON result line` });
      }
    });
  });
}

function previousMetrics(): Record<string, Metric> {
  try {
    const previous = JSON.parse(readFileSync(join(outDir, "results.json"), "utf8")) as {
      metrics?: Record<string, Metric>;
    };
    return previous.metrics ?? {};
  } catch {
    return {};
  }
}

function machine(): Record<string, unknown> {
  let chromium = "absent";
  try {
    chromium = execFileSync("/usr/bin/chromium", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    // reported as absent
  }
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    chromium,
    date: new Date().toISOString(),
  };
}

function formatFields(m: Metric): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const files = benchFiles(names);
  // Running some benches updates their metrics in the last results and keeps the others.
  const metrics: Record<string, Metric> = names.length > 0 ? previousMetrics() : {};
  const plots: string[] = [];
  mkdirSync(outDir, { recursive: true });
  for (const file of files) {
    process.stderr.write(`\n=== bench ${file} ===\n`);
    const started = Date.now();
    const result = await runOne(file);
    process.stderr.write(`=== ${file}: ${((Date.now() - started) / 1000).toFixed(1)} s ===\n`);
    if (result.error) metrics[`${basename(file, ".bench.ts")}_error`] = { skipped: result.error };
    Object.assign(metrics, result.metrics);
    for (const [name, data] of Object.entries(result.series)) {
      const isSamples = data.length > 0 && typeof data[0] === "number";
      const points = isSamples ? cdfPoints(data as number[]) : (data as [number, number][]);
      const svg = lineChartSvg({
        title: isSamples ? `${name} (distribution)` : name,
        xLabel: isSamples ? name : "x",
        yLabel: isSamples ? "share of samples ≤ x" : name,
        points,
      });
      const svgFile = `${name}.svg`;
      writeFileSync(join(outDir, svgFile), svg);
      plots.push(svgFile);
    }
  }
  for (const name of REQUIRED_METRICS) metrics[name] ??= { skipped: "no benchmark on this machine produced it" };
  const results = { machine: machine(), metrics };
  writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);

  for (const f of readdirSync(outDir)) if (f.endsWith(".svg") && !plots.includes(f)) plots.push(f);
  const rows = Object.entries(metrics).map(([name, m]) => `| ${name} | ${formatFields(m)} |`);
  const report = [
    "# Babelcast benchmark report",
    "",
    `Machine: ${formatFields(results.machine)}`,
    "",
    "| metric | figures |",
    "|---|---|",
    ...rows,
    "",
    ...plots.map((p) => `![${p}](${p})`),
    "",
  ].join("\n");
  writeFileSync(join(outDir, "report.md"), report);

  const width = Math.max(...Object.keys(metrics).map((k) => k.length), 10);
  process.stdout.write(`\n${"metric".padEnd(width)}  figures\n`);
  for (const [name, m] of Object.entries(metrics)) process.stdout.write(`${name.padEnd(width)}  ${formatFields(m)}\n`);
  process.stdout.write(`\nwrote bench/results.json, bench/report.md and ${plots.length} plot(s)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run bench: ${(err as Error).message}\n`);
  process.exit(1);
});
