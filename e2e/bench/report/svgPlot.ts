/** Minimal SVG charts for the benchmark report: no plotting dependency for two chart kinds. */

export interface LineSeries {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly (readonly [number, number])[];
}

const W = 640;
const H = 320;
const PAD = { left: 60, right: 20, top: 30, bottom: 45 };

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] ?? c);
}

function niceTicks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(10)));
  return ticks;
}

/** A line chart of (x, y) points. */
export function lineChartSvg(series: LineSeries): string {
  const xs = series.points.map((p) => p[0]);
  const ys = series.points.map((p) => p[1]);
  const xMin = Math.min(...xs, 0);
  const xMax = Math.max(...xs, 1);
  const yMin = Math.min(...ys, 0);
  const yMax = Math.max(...ys, 1) * 1.05;
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin || 1)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - yMin) / (yMax - yMin || 1)) * (H - PAD.top - PAD.bottom);
  const path = series.points
    .map((p, i) => `${i === 0 ? "M" : "L"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
    .join(" ");
  const xTicks = niceTicks(xMin, xMax)
    .map(
      (t) =>
        `<line x1="${sx(t)}" y1="${H - PAD.bottom}" x2="${sx(t)}" y2="${H - PAD.bottom + 4}" stroke="#444"/>` +
        `<text x="${sx(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${t}</text>`,
    )
    .join("");
  const yTicks = niceTicks(yMin, yMax)
    .map(
      (t) =>
        `<line x1="${PAD.left}" y1="${sy(t)}" x2="${W - PAD.right}" y2="${sy(t)}" stroke="#ddd"/>` +
        `<text x="${PAD.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`,
    )
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${escapeXml(series.title)}</text>`,
    yTicks,
    xTicks,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#444"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#444"/>`,
    `<path d="${path}" fill="none" stroke="#1f6feb" stroke-width="1.8"/>`,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(series.xLabel)}</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${escapeXml(series.yLabel)}</text>`,
    "</svg>",
  ].join("\n");
}

/** Empirical CDF of samples (a latency distribution): x = value, y = share of samples at or below it. */
export function cdfPoints(samples: readonly number[]): [number, number][] {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted.map((v, i) => [v, (i + 1) / sorted.length]);
}
