// Benchmark of a talk through the whole embedded system, measured where people are: recorded
// English speech (LibriVox) at the console's fake microphone → recognizer → segments →
// Translate (Apertium) → Polly (eSpeak NG) → a Spanish listener page.
//   caption_latency_ms: the end of a spoken phrase (the segment's spokenEndAt) → its Spanish
//                       caption arriving at the listener page;
//   speech_latency_ms:  the end of a spoken phrase → the console starting to play its Spanish
//                       speech into the Spanish WebRTC track (add audio_glass_to_glass_ms for
//                       the last hop to the listener's ear);
//   stage_ms:           the console's per-stage breakdown of the same segments.
// Run alone: `npx tsx e2e/bench/talk.bench.ts`.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../support/chromium.js";
import { ensureConsoleBuilt } from "../support/consoleBuild.js";
import { serveEmbedded } from "../support/embeddedServer.js";
import { ensureListenerPageBuilt } from "../support/listenerBuild.js";
import { loadClips, writeTalk } from "../support/transcribeClips.js";
import { percentile } from "./report/percentile.js";
import { startConditions, withConditions } from "./report/runConditions.js";

const log = (m: string) => process.stderr.write(`[talk] ${m}\n`);
/** How long the talk is listened to (the five clips with pauses last about a minute; the fake microphone loops). */
const LISTEN_MS = 100_000;

interface StageRow {
  readonly language: string;
  readonly durations: { stage: string; ms: number }[];
  readonly totalMs: number;
}

const summary = (xs: number[]) => ({
  p50: Math.round(percentile(xs, 50)),
  p95: Math.round(percentile(xs, 95)),
  p99: Math.round(percentile(xs, 99)),
  n: xs.length,
});

async function main(): Promise<void> {
  ensureConsoleBuilt();
  ensureListenerPageBuilt();
  const talk = writeTalk(loadClips(), join(mkdtempSync(join(tmpdir(), "babelcast-talk-bench-")), "talk.wav"));
  const server = await serveEmbedded();
  const browser = await chromium.launch(
    chromiumLaunchOptions(["--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${talk.wavPath}`]),
  );
  try {
    const consolePage = await (await browser.newContext()).newPage();
    await consolePage.goto(server.ready.consoleUrl);
    await consolePage.getByTestId("console").waitFor();
    await consolePage.locator('[data-testid="console"][data-phase="setup"]').waitFor({ timeout: 30_000 });
    await consolePage.getByTestId("title").fill("Talk bench");
    await consolePage.getByTestId("source-language").selectOption("en");
    await consolePage.getByTestId("target-es").check();
    await consolePage.getByTestId("create-session").click();
    await consolePage.locator('[data-testid="console"][data-phase="live"]').waitFor({ timeout: 30_000 });
    const label = (await consolePage.getByTestId("session-id").textContent()) ?? "";
    const id = /([a-z]+-[a-z]+-\d{3})/.exec(label)?.[1];
    if (!id) throw new Error(`no session id in "${label}"`);
    await consolePage.getByTestId("qr-close").click();

    // The listener page records when each caption arrives (wall clock, like spokenEndAt), on
    // its caption channel or as a replay on its WebSocket.
    const listenerContext = await browser.newContext();
    await listenerContext.addInitScript(() => {
      const arrivals: { at: number; spokenEndAt?: number; language: string }[] = [];
      (window as unknown as { captionArrivals: typeof arrivals }).captionArrivals = arrivals;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          this.addEventListener("message", (e) => {
            if (typeof e.data !== "string") return;
            type Message = { type?: string; event?: string; spokenEndAt?: number; language?: string };
            const frame = JSON.parse(e.data) as Message;
            // Live captions come from the caption Event API as `data` frames carrying the event's JSON.
            const m =
              frame.type === "data" && typeof frame.event === "string" ? (JSON.parse(frame.event) as Message) : frame;
            if (m.type === "caption")
              arrivals.push({ at: Date.now(), spokenEndAt: m.spokenEndAt, language: m.language ?? "" });
          });
        }
      } as typeof WebSocket;
    });
    const listener = await listenerContext.newPage();
    await listener.goto(`${server.ready.url}/s/${id}`);
    await listener.getByRole("combobox").selectOption("es");
    await listener.locator("button.listen").click();
    log(`session ${id}: listening for ${LISTEN_MS / 1000} s`);
    const talkWindow = startConditions();
    await listener.waitForTimeout(LISTEN_MS);
    const conditions = talkWindow.end();

    const arrivals = await listener.evaluate(
      () =>
        (window as unknown as { captionArrivals: { at: number; spokenEndAt?: number; language: string }[] })
          .captionArrivals,
    );
    const captionMs = arrivals
      .filter((a) => a.language === "es" && a.spokenEndAt !== undefined)
      .map((a) => a.at - (a.spokenEndAt ?? a.at));
    const rows = await consolePage.evaluate(
      () =>
        (window as unknown as { babelcastConsole: { latency: { rows: { value: StageRow[] } } } }).babelcastConsole
          .latency.rows.value,
    );
    const spanish = rows.filter((r) => r.language === "es");
    const speechMs = spanish.filter((r) => r.durations.some((d) => d.stage === "play")).map((r) => r.totalMs);
    const stages: Record<string, { p50: number; p99: number }> = {};
    for (const stage of ["recognize", "send", "translate", "synthesize", "deliver", "play"]) {
      const xs = spanish.flatMap((r) => r.durations.filter((d) => d.stage === stage).map((d) => d.ms));
      if (xs.length > 0) stages[stage] = { p50: Math.round(percentile(xs, 50)), p99: Math.round(percentile(xs, 99)) };
    }
    log(`captions ${captionMs.length}, spoken segments ${speechMs.length}`);
    const skipped = (what: string) => ({ skipped: `no ${what} arrived in ${LISTEN_MS / 1000} s of talk` });
    process.stdout.write(
      `${JSON.stringify({
        metrics: {
          caption_latency_ms:
            captionMs.length > 0 ? withConditions(summary(captionMs), conditions) : skipped("caption"),
          speech_latency_ms:
            speechMs.length > 0
              ? withConditions(
                  { ...summary(speechMs), to: "console starts playing into the language track" },
                  conditions,
                )
              : skipped("speech"),
          stage_ms: Object.keys(stages).length > 0 ? withConditions(stages, conditions) : skipped("segment progress"),
        },
        series: { caption_latency_ms: captionMs, speech_latency_ms: speechMs },
      })}\n`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
