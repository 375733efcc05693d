import type { ListenerSample } from "@babelcast/protocol";

/**
 * The report's plot: listeners per language over time as an SVG string (one line per
 * language, and the total), drawn with presentation attributes only, so the same markup
 * works inside the console (no inline styles under its CSP) and in the static report.html.
 * Pure.
 */

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 40, right: 110, top: 12, bottom: 28 };
/** Colour-blind-safe palette (Okabe–Ito), the total in black. */
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** `perMinute` of the report as a step plot, `languages` in legend order. */
export function listenerPlotSvg(perMinute: readonly ListenerSample[], languages: readonly string[]): string {
  const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Listeners per language over time">`;
  if (perMinute.length === 0) {
    return `${head}<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" fill="#666" font-size="13">No listeners yet</text></svg>`;
  }
  const first = perMinute[0]?.at ?? 0;
  const last = (perMinute[perMinute.length - 1]?.at ?? first) + 60_000;
  const most = Math.max(1, ...perMinute.map((m) => m.total));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - first) / (last - first)) * plotW;
  const y = (n: number) => PAD.top + plotH - (n / most) * plotH;
  const steps = (value: (m: ListenerSample) => number) =>
    perMinute
      .map(
        (m) =>
          `${x(m.at).toFixed(1)},${y(value(m)).toFixed(1)} ${x(m.at + 60_000).toFixed(1)},${y(value(m)).toFixed(1)}`,
      )
      .join(" ");
  const series = [
    { label: "total", colour: "#000000", value: (m: ListenerSample) => m.total },
    ...languages.map((l, i) => ({
      label: l,
      colour: COLOURS[i % COLOURS.length] ?? "#000000",
      value: (m: ListenerSample) => m.byLanguage[l] ?? 0,
    })),
  ];
  const lines = series
    .map(
      (s, i) =>
        `<polyline data-series="${escapeXml(s.label)}" fill="none" stroke="${s.colour}" stroke-width="${i === 0 ? 2.5 : 1.5}" points="${steps(s.value)}"/>` +
        `<rect x="${WIDTH - PAD.right + 12}" y="${PAD.top + i * 18}" width="12" height="3" fill="${s.colour}"/>` +
        `<text x="${WIDTH - PAD.right + 30}" y="${PAD.top + i * 18 + 5}" font-size="12" fill="#222">${escapeXml(s.label)}</text>`,
    )
    .join("");
  const axes =
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${PAD.left + plotW}" y2="${PAD.top + plotH}" stroke="#999"/>` +
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="#999"/>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end" font-size="11" fill="#444">${most}</text>` +
    `<text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end" font-size="11" fill="#444">0</text>` +
    `<text x="${PAD.left}" y="${HEIGHT - 8}" font-size="11" fill="#444">${clock(first)} UTC</text>` +
    `<text x="${PAD.left + plotW}" y="${HEIGHT - 8}" text-anchor="end" font-size="11" fill="#444">${clock(last)} UTC</text>`;
  return `${head}${axes}${lines}</svg>`;
}
