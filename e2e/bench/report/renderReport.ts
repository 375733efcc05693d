import type { Metric } from "./benchResults.js";
import type { RunConditions } from "./runConditions.js";

/** bench/results.json as run.ts writes it; report.md is rendered from this and nothing else. */
export interface ResultsFile {
  readonly machine: Record<string, unknown>;
  readonly metrics: Record<string, Metric>;
  readonly plots: readonly string[];
}

/** One table cell's text: a value's line breaks (an error's stack) would end the Markdown row, and a "|" its cell. */
function formatValue(v: unknown): string {
  const text = typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

/** A metric's figures, without the columns the table shows apart. */
export function formatFields(m: Record<string, unknown>): string {
  return Object.entries(m)
    .filter(([k]) => k !== "bench" && k !== "conditions")
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(" ");
}

/** The conditions a metric ran under, in a few words ("" for a skipped metric). */
export function formatConditions(c: RunConditions | undefined): string {
  if (!c) return "";
  const over = c.measured_over === "this metric" ? "" : ` (${c.measured_over})`;
  return `load ${c.load_1m_start} → ${c.load_1m_end} on ${c.cpus} CPUs${over}`;
}

/** bench/report.md: the machine, one row per metric with the conditions it ran under, the plots. */
export function renderReport(results: ResultsFile): string {
  const rows = Object.entries(results.metrics).map(
    ([name, m]) =>
      `| ${name} | ${String(m.bench ?? "")} | ${formatFields(m)} | ${formatConditions(m.conditions as RunConditions | undefined)} |`,
  );
  return [
    "# Babelcast benchmark report",
    "",
    `Machine: ${formatFields(results.machine)}`,
    "",
    "| metric | bench | figures | conditions (1-minute load average, start → end) |",
    "|---|---|---|---|",
    ...rows,
    "",
    ...results.plots.map((p) => `![${p}](${p})`),
    "",
  ].join("\n");
}
