import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, totalmem } from "node:os";
import { basename, join } from "node:path";
import { BENCH_METRICS, UNMEASURED_METRICS } from "./metricCatalog.js";
import {
  addBenchOutput,
  type BenchOutput,
  catalogDuplicates,
  emptyResults,
  skipMissing,
} from "./report/benchResults.js";
import { formatConditions, formatFields, type ResultsFile, renderReport } from "./report/renderReport.js";
import {
  cpusAvailable,
  type RunConditions,
  type SettleOutcome,
  type SettlePolicy,
  settle,
  startConditions,
} from "./report/runConditions.js";
import { cdfPoints, lineChartSvg } from "./report/svgPlot.js";

/**
 * Runs every `e2e/bench/*.bench.ts` (or those named on the command line), each in its own
 * process: each prints progress to stderr and one JSON line `{"metrics": {...}, "series": {...}}`
 * to stdout. Writes bench/results.json, bench/report.md and bench/*.svg from this run alone:
 * earlier results are replaced, never merged, and a metric this run could not measure says why.
 */

const root = join(import.meta.dirname, "..", "..");
const benchDir = import.meta.dirname;
const outDir = join(root, "bench");
const PER_BENCH_TIMEOUT_MS = 6 * 60_000;
/**
 * Benches that run longer by design: a 10-minute talk (drift), a 5-minute talk beside a busy core (underLoad),
 * six fresh-browser glass-to-glass runs (two paths) before the listener steps (audio).
 */
const BENCH_TIMEOUT_MS: Readonly<Record<string, number>> = {
  drift: 16 * 60_000,
  underLoad: 11 * 60_000,
  audio: 12 * 60_000,
};

/**
 * Each bench waits for the load its predecessor left to decay (the benches load both cores: in one run the
 * talk bench started at load 6 from the signaling bench before it, and its caption p99 was 4.7 s against 3.0 s
 * at load 2.8). `BENCH_SETTLE_LOAD` and `BENCH_SETTLE_MAX_S` change the level and the longest wait.
 */
const SETTLE: SettlePolicy = {
  quietLoad: Number(process.env.BENCH_SETTLE_LOAD ?? 1),
  maxWaitMs: Number(process.env.BENCH_SETTLE_MAX_S ?? 240) * 1000,
};

function benchFiles(names: string[]): string[] {
  const all = readdirSync(benchDir)
    .filter((f) => f.endsWith(".bench.ts"))
    .sort();
  const uncatalogued = all.map((f) => basename(f, ".bench.ts")).filter((b) => !(b in BENCH_METRICS));
  if (uncatalogued.length > 0)
    throw new Error(`${uncatalogued.join(", ")}: list the metrics of each bench in e2e/bench/metricCatalog.ts`);
  if (names.length === 0) return all;
  const unknown = names.filter((n) => !all.includes(`${n}.bench.ts`));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark ${unknown.join(", ")}; known: ${all.map((f) => basename(f, ".bench.ts")).join(", ")}`,
    );
  }
  return all.filter((f) => names.includes(basename(f, ".bench.ts")));
}

/** One bench's output, or why it has none; the bench's stderr passes through and its last line is kept. */
function runOne(file: string): Promise<{ output?: BenchOutput; failure?: string }> {
  const bench = basename(file, ".bench.ts");
  const timeoutMs = BENCH_TIMEOUT_MS[bench] ?? PER_BENCH_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = spawn(join(root, "node_modules", ".bin", "tsx"), [join(benchDir, file)], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let errTail = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      process.stderr.write(d);
      errTail = (errTail + d.toString()).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const lastErr = errTail.trim().split("\n").at(-1)?.trim().slice(0, 300) ?? "";
      const why = timedOut
        ? `the ${bench} bench was stopped after ${timeoutMs / 60_000} min`
        : `the ${bench} bench exited ${code}${lastErr ? `: ${lastErr}` : ""}`;
      let output: BenchOutput | undefined;
      try {
        const parsed = JSON.parse(out.trim().split("\n").at(-1) ?? "") as Partial<BenchOutput>;
        output = { metrics: parsed.metrics ?? {}, series: parsed.series ?? {} };
      } catch {
        // no result line: every metric of this bench is reported as skipped with `why`
      }
      resolve({
        ...(output ? { output } : {}),
        ...(code !== 0 || timedOut || !output ? { failure: output ? why : `${why} (no result line)` } : {}),
      });
    });
  });
}

function chromiumVersion(): string {
  try {
    return execFileSync("/usr/bin/chromium", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "absent";
  }
}

function plotSeries(name: string, data: BenchOutput["series"][string]): string {
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
  return svgFile;
}

async function main(): Promise<void> {
  const twice = catalogDuplicates(BENCH_METRICS);
  if (twice.length > 0)
    throw new Error(`e2e/bench/metricCatalog.ts lists ${twice.join(", ")} under two benches: one name, one bench`);
  const names = process.argv.slice(2);
  const files = benchFiles(names);
  const ran = files.map((f) => basename(f, ".bench.ts"));
  const runWindow = startConditions("the whole run");
  const started = new Date().toISOString();

  const results = emptyResults();
  const failures = new Map<string, string>();
  const settled: Record<string, SettleOutcome> = {};
  for (const file of files) {
    const bench = basename(file, ".bench.ts");
    process.stderr.write(`\n=== bench ${file}: waiting for load ≤ ${SETTLE.quietLoad} ===\n`);
    settled[bench] = await settle(SETTLE);
    process.stderr.write(
      `=== bench ${file}: load ${settled[bench].load_1m} after ${settled[bench].waited_s} s${settled[bench].quiet ? "" : " (not quiet: started anyway)"} ===\n`,
    );
    const benchWindow = startConditions(`the whole ${bench} bench`);
    const t0 = Date.now();
    const result = await runOne(file);
    process.stderr.write(`=== ${file}: ${((Date.now() - t0) / 1000).toFixed(1)} s ===\n`);
    if (result.failure) failures.set(bench, result.failure);
    if (result.output) addBenchOutput(results, bench, result.output, BENCH_METRICS, benchWindow.end());
  }
  skipMissing(results, BENCH_METRICS, UNMEASURED_METRICS, ran, failures);
  mkdirSync(outDir, { recursive: true });
  // This run replaces the last one: plots from earlier runs would describe other figures.
  for (const f of readdirSync(outDir)) if (f.endsWith(".svg")) rmSync(join(outDir, f));
  const plots = Object.entries(results.series).map(([name, data]) => plotSeries(name, data));

  const file: ResultsFile = {
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      cpus_available: cpusAvailable(),
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      freeMemoryGiB: Math.round(freemem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      chromium: chromiumVersion(),
      date: started,
      finished: new Date().toISOString(),
      benches_run: ran,
      complete_run: names.length === 0,
      run_conditions: runWindow.end(),
      settle_policy: { quiet_load_1m: SETTLE.quietLoad, max_wait_s: SETTLE.maxWaitMs / 1000 },
      settled_before_each_bench: settled,
    },
    metrics: results.metrics,
    plots,
  };
  writeFileSync(join(outDir, "results.json"), `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(join(outDir, "report.md"), renderReport(file));

  const width = Math.max(...Object.keys(file.metrics).map((k) => k.length), 10);
  process.stdout.write(`\n${"metric".padEnd(width)}  figures\n`);
  for (const [name, m] of Object.entries(file.metrics))
    process.stdout.write(
      `${name.padEnd(width)}  ${formatFields(m)}  ${formatConditions(m.conditions as RunConditions | undefined)}\n`,
    );
  process.stdout.write(`\nwrote bench/results.json, bench/report.md and ${plots.length} plot(s)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run bench: ${(err as Error).message}\n`);
  process.exit(1);
});
