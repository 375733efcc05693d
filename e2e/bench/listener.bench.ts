// Benchmark of the listener page: its size over the wire (HTML + JS + CSS, gzip -9) and the
// time from the Listen tap to the first audible sound on loopback, through the real
// sessions API, WebSocket API, KVS emulator and WebRTC (a test master plays a tone).
// Run alone: `npx tsx e2e/bench/listener.bench.ts` (prints the metrics as JSON).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../support/chromium.js";
import { serveEmbedded } from "../support/embeddedServer.js";
import { AUDIBLE_RMS } from "../support/listenerAudioProbe.js";
import { ensureListenerPageBuilt } from "../support/listenerBuild.js";
import { liveSessionsMissing, startLiveSession } from "../support/listenerLiveSession.js";
import { startTestMaster } from "../support/listenerMaster.js";
import { percentile } from "./report/percentile.js";
import { startConditions, withConditions } from "./report/runConditions.js";

const TAPS = 20;
/** Listeners per session: well under a channel's 10 viewers, so every one lands on the master's channel. */
const TAPS_PER_SESSION = 5;

const log = (m: string) => process.stderr.write(`[listener] ${m}\n`);
const round1 = (x: number) => Math.round(x * 10) / 10;

interface PageSizeReport {
  files: { file: string; gzipBytes: number }[];
  totalGzipBytes: number;
  budgetBytes: number;
}

/** The sizes the listener build measured from its own output (listener-web/dist/size.json). */
function pageSize() {
  ensureListenerPageBuilt();
  const report = JSON.parse(
    readFileSync(join(import.meta.dirname, "..", "..", "listener-web", "dist", "size.json"), "utf8"),
  ) as PageSizeReport;
  const of = (ext: string) => report.files.filter((f) => f.file.endsWith(ext)).reduce((n, f) => n + f.gzipBytes, 0);
  return {
    value: report.totalGzipBytes,
    html: of(".html"),
    js: of(".js"),
    css: of(".css"),
    budget: report.budgetBytes,
  };
}

/** One listener in a fresh browser context: ms from the Listen click to RMS above AUDIBLE_RMS. */
async function tapToAudio(browser: Browser, pageUrl: string): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(pageUrl);
    const button = page.getByRole("button", { name: "Listen" });
    await button.waitFor();
    await page.evaluate(() => {
      document.addEventListener("click", () => sessionStorage.setItem("bench.tap", String(performance.now())), {
        capture: true,
        once: true,
      });
    });
    await button.click();
    const ms = await page.evaluate(async (threshold) => {
      // No named helpers in here: tsx would wrap them in a `__name` call the page does not have.
      const tap = Number(sessionStorage.getItem("bench.tap"));
      const deadline = performance.now() + 15_000;
      const audio = document.querySelector("audio")!;
      while (!(audio.srcObject instanceof MediaStream)) {
        if (performance.now() > deadline) return -1;
        await new Promise((r) => setTimeout(r, 2));
      }
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 256;
      ctx.createMediaStreamSource(audio.srcObject).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      while (performance.now() < deadline) {
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (const v of buf) sum += v * v;
        if (Math.sqrt(sum / buf.length) > threshold) {
          const t = performance.now() - tap;
          await ctx.close();
          return t;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      return -1;
    }, AUDIBLE_RMS);
    if (ms < 0) throw new Error("no audio within 15 s of the tap");
    return ms;
  } finally {
    await context.close();
  }
}

export async function runListenerBench() {
  const sizeWindow = startConditions();
  const size = withConditions(pageSize(), sizeWindow.end());
  log(`page: ${size.value} B gzip (html ${size.html}, js ${size.js}, css ${size.css}; budget ${size.budget})`);
  const server = await serveEmbedded();
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const missing = await liveSessionsMissing(server);
    if (missing) {
      return {
        metrics: { listener_page_gzip_bytes: size, tap_to_audio_ms: { skipped: missing } },
        series: {},
      };
    }
    const samples: number[] = [];
    const tapWindow = startConditions();
    while (samples.length < TAPS) {
      const live = await startLiveSession(server, { title: "Listener bench" });
      const master = await startTestMaster(browser, server.ready.url, await live.masterGrants());
      try {
        for (let i = 0; i < TAPS_PER_SESSION && samples.length < TAPS; i++) {
          const ms = await tapToAudio(browser, `${server.ready.url}/s/${live.id}`);
          samples.push(round1(ms));
          log(`tap ${samples.length}/${TAPS}: ${round1(ms)} ms`);
        }
      } finally {
        await master.close();
        await live.close();
      }
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      metrics: {
        listener_page_gzip_bytes: size,
        tap_to_audio_ms: withConditions(
          { p50: percentile(sorted, 50), p95: percentile(sorted, 95), n: sorted.length },
          tapWindow.end(),
        ),
      },
      series: { tap_to_audio_ms: samples },
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

export default runListenerBench;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runListenerBench().then(
    (result) => {
      log(JSON.stringify(result.metrics));
      console.log(JSON.stringify(result));
    },
    (err: unknown) => {
      log(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
