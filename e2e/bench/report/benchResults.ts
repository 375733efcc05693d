import type { RunConditions } from "./runConditions.js";

/**
 * Gathers the metrics of one `npm run bench` run, bench by bench. Pure: run.ts does the
 * processes and files. Nothing is merged from earlier runs, and every metric in the catalog
 * ends up either measured (with its conditions) or skipped with a reason.
 */

export type Metric = Record<string, unknown>;
export type Series = Record<string, readonly (readonly [number, number])[] | readonly number[]>;

/** What a bench prints as its last stdout line. */
export interface BenchOutput {
  readonly metrics: Readonly<Record<string, Metric>>;
  readonly series: Series;
}

export interface RunResults {
  readonly metrics: Record<string, Metric>;
  readonly series: Record<string, Series[string]>;
  /** Which bench wrote each metric and each series, to name both when a name is written twice. */
  readonly writers: Map<string, string>;
}

export function emptyResults(): RunResults {
  return { metrics: {}, series: {}, writers: new Map() };
}

function claim(results: RunResults, kind: "metric" | "series", name: string, bench: string): void {
  const key = `${kind}:${name}`;
  const earlier = results.writers.get(key);
  if (earlier !== undefined)
    throw new Error(
      `${kind} "${name}" is written by both the ${earlier} and the ${bench} bench; ` +
        "one would overwrite the other: give each bench its own name (e2e/bench/metricCatalog.ts)",
    );
  results.writers.set(key, bench);
}

/**
 * Adds one bench's output. Throws when a metric or series name was already written by
 * another bench, or when the bench writes a metric the catalog does not list for it.
 * Metrics measured without their own conditions get the bench's whole window.
 */
export function addBenchOutput(
  results: RunResults,
  bench: string,
  output: BenchOutput,
  catalog: Readonly<Record<string, readonly string[]>>,
  benchWindow: RunConditions,
): void {
  const declared = catalog[bench] ?? [];
  for (const [name, metric] of Object.entries(output.metrics)) {
    claim(results, "metric", name, bench);
    if (!declared.includes(name))
      throw new Error(
        `the ${bench} bench wrote metric "${name}", which e2e/bench/metricCatalog.ts does not list for it: add it there`,
      );
    const measured = "skipped" in metric || "conditions" in metric;
    results.metrics[name] = { ...metric, bench, ...(measured ? {} : { conditions: benchWindow }) };
  }
  for (const [name, data] of Object.entries(output.series)) {
    claim(results, "series", name, bench);
    results.series[name] = data;
  }
}

/**
 * Marks every catalog metric that no bench wrote as skipped, with why: the bench was not
 * selected, failed (`failures` holds its reason), ran without reporting it, or no bench
 * measures it yet.
 */
export function skipMissing(
  results: RunResults,
  catalog: Readonly<Record<string, readonly string[]>>,
  unmeasured: Readonly<Record<string, string>>,
  ran: readonly string[],
  failures: ReadonlyMap<string, string>,
): void {
  for (const [bench, names] of Object.entries(catalog)) {
    for (const name of names) {
      if (name in results.metrics) continue;
      const reason = !ran.includes(bench)
        ? `not run: this run was limited to ${ran.join(", ")}`
        : (failures.get(bench) ?? `the ${bench} bench finished without reporting it`);
      results.metrics[name] = { skipped: reason, bench };
    }
  }
  for (const [name, reason] of Object.entries(unmeasured)) results.metrics[name] ??= { skipped: reason };
}

/** Metric names the catalog lists under more than one bench (or twice under one). */
export function catalogDuplicates(catalog: Readonly<Record<string, readonly string[]>>): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of Object.values(catalog).flat()) (seen.has(name) ? twice : seen).add(name);
  return [...twice];
}
