// A talk through the whole embedded system, as the talk and drift benches run it: recorded English
// speech at the console's fake microphone (the file loops) → recognizer → segments → Translate →
// Polly → a listener page. What it records is read where people are: caption arrivals at the
// listener page, and the console's per-segment latency rows.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "@playwright/test";
import { chromiumLaunchOptions } from "../support/chromium.js";
import { ensureConsoleBuilt } from "../support/consoleBuild.js";
import { type ServedEmbedded, serveEmbedded } from "../support/embeddedServer.js";
import { ensureListenerPageBuilt } from "../support/listenerBuild.js";
import { loadClips, writeTalk } from "../support/transcribeClips.js";
import { type CaptionArrival, type LiveCaptions, liveCaptions } from "./report/liveCaptions.js";

export interface StageRow {
  readonly key: string;
  readonly segmentSeq: number;
  readonly language: string;
  readonly durations: { stage: string; ms: number }[];
  readonly totalMs: number;
}

/** A latency row with the wall-clock time it was first seen complete (its speech playing). */
export interface TimedRow extends StageRow {
  readonly seenAt: number;
}

export interface TalkRun {
  readonly consolePage: Page;
  /** When the listener page's decoded audio turned audible after a quiet spell (epoch ms); see `roomSound`. */
  speechOnsets(): Promise<number[]>;
  readonly listener: Page;
  readonly sessionId: string;
  /** The captions in `language` of phrases that ended while the listener page listened (see liveCaptions.ts). */
  liveCaptions(language: string): Promise<LiveCaptions>;
  /** Every segment's row seen so far (the console shows only its latest rows, so they are polled). */
  rows(): TimedRow[];
  stop(): void;
}

/**
 * Builds the pages, starts the embedded server and a Chromium whose fake microphone loops the recorded talk,
 * runs `bench` with them, and stops both whatever happens.
 */
export async function withTalkStack(bench: (browser: Browser, server: ServedEmbedded) => Promise<void>): Promise<void> {
  ensureConsoleBuilt();
  ensureListenerPageBuilt();
  const talk = writeTalk(loadClips(), join(mkdtempSync(join(tmpdir(), "babelcast-talk-bench-")), "talk.wav"));
  const server = await serveEmbedded();
  const browser = await chromium.launch(
    chromiumLaunchOptions(["--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${talk.wavPath}`]),
  );
  try {
    await bench(browser, server);
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** How often the console's latency rows are read: well under the time 12 segments take. */
const ROW_POLL_MS = 1000;

export interface TalkOptions {
  /**
   * The room sound mixed under the translated voice (the console's default). Off, the language track is
   * silent between sentences, so each onset the listener hears is the start of a segment's speech.
   */
  readonly roomSound: boolean;
}

/** Creates a session in `language` from the console page, opens one listener and starts recording. */
export async function startTalk(
  browser: Browser,
  server: ServedEmbedded,
  language: string,
  options: TalkOptions = { roomSound: true },
): Promise<TalkRun> {
  const consolePage = await (await browser.newContext()).newPage();
  await consolePage.goto(server.ready.consoleUrl);
  await consolePage.locator('[data-testid="console"][data-phase="setup"]').waitFor({ timeout: 30_000 });
  if (!options.roomSound) {
    await consolePage.getByTestId("open-settings").click();
    await consolePage.getByTestId("floor-mix").uncheck();
  }
  await consolePage.getByTestId("title").fill("Talk bench");
  await consolePage.getByTestId("source-language").selectOption("en");
  await consolePage.getByTestId(`target-${language}`).check();
  await consolePage.getByTestId("create-session").click();
  await consolePage.locator('[data-testid="console"][data-phase="live"]').waitFor({ timeout: 30_000 });
  const label = (await consolePage.getByTestId("session-id").textContent()) ?? "";
  const sessionId = /([a-z]+-[a-z]+-\d{3})/.exec(label)?.[1];
  if (!sessionId) throw new Error(`no session id in "${label}"`);
  await consolePage.getByTestId("qr-close").click();

  const listenerContext = await browser.newContext();
  await listenerContext.addInitScript(recordCaptionArrivals);
  const listener = await listenerContext.newPage();
  await listener.goto(`${server.ready.url}/s/${sessionId}`);
  await listener.getByRole("combobox").selectOption(language);
  await listener.locator("button.listen").click();
  await listener.evaluate(startOnsetProbe);

  const seen = new Map<string, TimedRow>();
  let polling = true;
  const poll = async () => {
    while (polling) {
      const rows = await consolePage
        .evaluate(
          () =>
            (window as unknown as { babelcastConsole: { latency: { rows: { value: StageRow[] } } } }).babelcastConsole
              .latency.rows.value,
        )
        .catch(() => [] as StageRow[]);
      const now = Date.now();
      for (const row of rows) {
        // A row is final once its speech plays; keep its first complete reading.
        const old = seen.get(row.key);
        const complete = row.durations.some((d) => d.stage === "play");
        if (!old || (complete && !old.durations.some((d) => d.stage === "play")))
          seen.set(row.key, { ...row, seenAt: now });
      }
      await new Promise((r) => setTimeout(r, ROW_POLL_MS));
    }
  };
  void poll();
  return {
    consolePage,
    listener,
    sessionId,
    speechOnsets: () => listener.evaluate(() => (window as unknown as { speechOnsets: number[] }).speechOnsets),
    liveCaptions: async (captionLanguage) => {
      const seen = await listener.evaluate(() => {
        const w = window as unknown as { captionArrivals: CaptionArrival[]; feedSubscribedAt?: number };
        return { arrivals: w.captionArrivals, subscribedAt: w.feedSubscribedAt };
      });
      if (seen.subscribedAt === undefined) throw new Error("the listener page never subscribed to its caption feed");
      return liveCaptions(seen.arrivals, captionLanguage, seen.subscribedAt);
    },
    rows: () => [...seen.values()].sort((a, b) => a.segmentSeq - b.segmentSeq),
    stop: () => {
      polling = false;
    },
  };
}

/** Runs in the listener page before its scripts: notes when each caption arrives, from the caption feed or a replay. */
function recordCaptionArrivals(): void {
  const arrivals: CaptionArrival[] = [];
  const w = window as unknown as { captionArrivals: CaptionArrival[]; feedSubscribedAt?: number };
  w.captionArrivals = arrivals;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (e) => {
        if (typeof e.data !== "string") return;
        type Message = { type?: string; event?: string; spokenEndAt?: number; language?: string; seq?: number };
        const frame = JSON.parse(e.data) as Message;
        // The caption feed's first subscription: from then on the listener receives captions live.
        if (frame.type === "subscribe_success" && w.feedSubscribedAt === undefined) w.feedSubscribedAt = Date.now();
        // Live captions come from the caption Event API as `data` frames carrying the event's JSON.
        const m =
          frame.type === "data" && typeof frame.event === "string" ? (JSON.parse(frame.event) as Message) : frame;
        if (m.type === "caption")
          arrivals.push({ at: Date.now(), spokenEndAt: m.spokenEndAt, language: m.language ?? "", seq: m.seq });
      });
    }
  } as typeof WebSocket;
}

/**
 * Runs in the listener page once it listens: reads the RMS of its <audio> element's stream every 10 ms and
 * notes an onset when it rises above a threshold after at least 400 ms below it.
 */
async function startOnsetProbe(): Promise<void> {
  const onsets: number[] = [];
  (window as unknown as { speechOnsets: number[] }).speechOnsets = onsets;
  const audio = document.querySelector("audio");
  for (let i = 0; i < 300 && !(audio?.srcObject instanceof MediaStream); i++)
    await new Promise((r) => setTimeout(r, 100));
  const stream = audio?.srcObject;
  if (!(stream instanceof MediaStream)) return;
  const ctx = new AudioContext();
  await ctx.resume();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const AUDIBLE = 0.02;
  let quietSince = performance.now();
  let loud = false;
  setInterval(() => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    const rms = Math.sqrt(sum / buf.length);
    const now = performance.now();
    if (rms >= AUDIBLE) {
      if (!loud && now - quietSince >= 400) onsets.push(Date.now());
      loud = true;
    } else {
      if (loud) quietSince = now;
      loud = false;
    }
  }, 10);
}
