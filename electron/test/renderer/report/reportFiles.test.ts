import type { SessionReport } from "@babelcast/protocol";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { listenerPlotSvg } from "../../../src/renderer/report/listenerPlot.js";
import { reportHtml } from "../../../src/renderer/report/reportHtml.js";
import { bundleEntries, transcriptZip } from "../../../src/renderer/report/transcriptBundle.js";

const t0 = Date.UTC(2026, 11, 6, 19, 0);
const report: SessionReport = {
  sessionId: "amber-harbor-482",
  title: "Sunday <service> & more",
  sourceLanguage: "en",
  languages: ["en", "es"],
  status: "ended",
  createdAt: t0,
  endedAt: t0 + 3 * 60_000,
  generatedAt: t0 + 4 * 60_000,
  listeners: {
    perMinute: [
      { at: t0, total: 2, byLanguage: { en: 1, es: 1 } },
      { at: t0 + 60_000, total: 5, byLanguage: { en: 2, es: 3 } },
    ],
    peak: { total: 5, at: t0 + 70_000, byLanguage: { en: 2, es: 3 } },
    listenerMinutes: { total: 9.5, byLanguage: { en: 4, es: 5.5 } },
  },
  latency: [{ stage: "translate", count: 12, p50Ms: 180, p95Ms: 420 }],
  segments: { total: 12, translationsOwed: 12, lost: 1, retried: 2, lostByLanguage: { es: 1 } },
};

describe("report.html", () => {
  const html = reportHtml(report);

  it("is one static page: no script, nothing loaded from elsewhere", () => {
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/i);
    expect(html.startsWith("<!doctype html>")).toBe(true);
  });

  it("shows the figures, the per-language table, the latency table and the plot", () => {
    expect(html).toContain('data-figure="peak">5<');
    expect(html).toContain('data-figure="listener-minutes">9.5<');
    expect(html).toContain('data-figure="lost-retried">1 / 2<');
    expect(html).toMatch(/<td>Spanish \(es\)<\/td><td>3<\/td><td>5\.5<\/td><td>1<\/td>/);
    expect(html).toMatch(/stored → translated \(per language\)<\/td><td>180 ms<\/td><td>420 ms<\/td><td>12<\/td>/);
    expect(html).toContain('<polyline data-series="es"');
  });

  it("escapes the session title", () => {
    expect(html).toContain("Sunday &lt;service&gt; &amp; more");
    expect(html).not.toContain("<service>");
  });
});

describe("listener plot", () => {
  it("draws a line per language and the total, scaled to the peak", () => {
    const svg = listenerPlotSvg(report.listeners.perMinute, report.languages);
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg).toContain(">5</text>");
  });

  it("says so when nobody has listened yet", () => {
    expect(listenerPlotSvg([], ["en"])).toContain("No listeners yet");
  });
});

describe("transcripts.zip", () => {
  it("holds every language in TXT, SRT and WebVTT", () => {
    const entries = bundleEntries(["en", "es"]);
    expect(entries).toHaveLength(6);
    const zip = transcriptZip(
      "amber-harbor-482",
      entries.map((e) => ({ ...e, text: `${e.language} ${e.format} ¡olé!` })),
    );
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual([
      "amber-harbor-482-en.srt",
      "amber-harbor-482-en.txt",
      "amber-harbor-482-en.vtt",
      "amber-harbor-482-es.srt",
      "amber-harbor-482-es.txt",
      "amber-harbor-482-es.vtt",
    ]);
    expect(new TextDecoder().decode(files["amber-harbor-482-es.vtt"])).toBe("es vtt ¡olé!");
  });
});
