// Benchmark of the presenter's original audio on loopback, through the real product path:
// the embedded server, the real console page in browser mode (Chromium's fake microphone
// playing a WAV with 2 kHz marker bursts) and the real listener page.
// - audio_glass_to_glass_ms: each marker's onset in the console's capture track (a
//   MediaStreamTrackProcessor on the track the console's own getUserMedia returns, tapped by
//   an init script) → its onset in the listener page's received track (a
//   MediaStreamTrackProcessor on the <audio> element's stream: decode hand-out, before the
//   output device's playout buffer). Both pages share one browser's epoch clock.
//   Beside it: where the delay goes (capture track → the console's sent track, i.e. its Web Audio
//   capture graph; sent track → received), the listener's jitter buffer per window (getStats), and
//   the listener page's AudioContext `baseLatency`/`outputLatency`, which come AFTER the decoded
//   track and so are not in glass-to-glass: add them for the sound leaving the speakers.
//   Chromium's fake input is stereo: the console is set to send both channels at 0 dB, so it sends
//   the input's own track (the graph skipped, captureGraph.ts), as for a mono microphone.
// - audio_glass_to_glass_graph_ms: the same with channel 1 alone picked (the console's default on a
//   stereo input, and any pick or gain): the original goes through the console's Web Audio graph.
// - max_audio_listeners_direct: lightweight KVS viewers (e2e/support/consoleViewerPage.ts) in one
//   extra browser context, connected straight to the console (no relay), stepped up until one
//   does not receive intact audio; no cap on the count, only the bench's time budget.
// Run alone: `npx tsx e2e/bench/audio.bench.ts` (prints the metrics as JSON).
// A/B knobs (for measuring one buffer change at a time; unset = the product as shipped):
//   AUDIO_BENCH_VIEWERS=0                skip the viewer steps (glass-to-glass only)
//   AUDIO_BENCH_JITTER_TARGET_MS=<ms>    set RTCRtpReceiver.jitterBufferTarget on the listener's receiver
//   AUDIO_BENCH_PLAYOUT_HINT_S=<s>       set Chromium's RTCRtpReceiver.playoutDelayHint likewise

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigDocument } from "@babelcast/protocol";
import { type Browser, chromium, type Page } from "@playwright/test";
import { markerTapScript, pairMarkers, type TapRecord, writeMarkerWav } from "../support/audioMarkers.js";
import { chromiumLaunchOptions } from "../support/chromium.js";
import { ensureConsoleBuilt } from "../support/consoleBuild.js";
import { type ConsoleTestViewer, openConsoleViewer, serveViewerPage } from "../support/consoleViewerPage.js";
import { serveEmbedded } from "../support/embeddedServer.js";
import { ensureListenerPageBuilt } from "../support/listenerBuild.js";
import { percentile, sampleSummary } from "./report/percentile.js";
import { type MarkerRun, poolRuns } from "./report/pooledRuns.js";
import { readReceiverCounters, receiverDelays } from "./report/receiverStats.js";
import { startConditions } from "./report/runConditions.js";

/** Seconds of markers collected at the listener (the first DROP_MS of them are left out). */
const COLLECT_S = Number(process.env.AUDIO_BENCH_SECONDS ?? 30);
const DROP_MS = 3000;
/**
 * Viewer counts to try, without end: 10 and 12 straddle a KVS channel's 10 viewers (the 11th
 * needs the pool's second channel); past 20 the steps grow by a quarter. The steps stop when one
 * viewer loses intact audio or the bench's time budget ends (reported as such), never at a cap.
 */
function* viewerSteps(): Generator<number> {
  yield* [2, 5, 10, 12, 15, 20];
  let n = 20;
  for (;;) {
    n = Math.ceil((n * 1.25) / 5) * 5;
    yield n;
  }
}
const RUN_VIEWERS = process.env.AUDIO_BENCH_VIEWERS !== "0";
/**
 * Glass-to-glass runs, each with a fresh browser and console session: one run keeps the buffer levels it
 * settled at start-up, and runs of the same code gave 43 to 97 ms (docs/performance.md), so one run is one draw.
 */
const G2G_RUNS = Math.max(1, Number(process.env.AUDIO_BENCH_G2G_RUNS ?? 3));
const JITTER_TARGET_MS = process.env.AUDIO_BENCH_JITTER_TARGET_MS;
const PLAYOUT_HINT_S = process.env.AUDIO_BENCH_PLAYOUT_HINT_S;
// The knobs are the listener page's alone: the embedded server this bench spawns inherits the environment and
// must run as in any other run.
delete process.env.AUDIO_BENCH_JITTER_TARGET_MS;
delete process.env.AUDIO_BENCH_PLAYOUT_HINT_S;
/** How long each viewer step is measured (CPU, bytes, energy). */
const STEP_WINDOW_MS = 6000;
/** The viewer steps stop (reported as capped by time) once the bench has run this long (glass-to-glass runs first). */
const STEPS_DEADLINE_MS = 570_000;
/** No viewer joins and no confirming re-measure after this (the whole bench stays within run.ts's 12 minutes for it). */
const HARD_DEADLINE_MS = 615_000;
const pastHardDeadline = () => performance.now() - benchStart > HARD_DEADLINE_MS;
const benchStart = performance.now();
/** A viewer's audio is intact when it conceals less than this share of its samples. */
const MAX_CONCEALED = 0.05;
const VIEWER_AUDIBLE_RMS = 0.03;

const log = (m: string) => process.stderr.write(`[audio] ${m}\n`);
const round1 = (x: number) => Math.round(x * 10) / 10;

/** CPU ticks (utime + stime) of each process descending from `root`, by pid. */
function treeTicks(root: number): Map<number, number> {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(name), Number(f[1]));
      ticks.set(Number(name), Number(f[11]) + Number(f[12]));
    } catch {
      // The process exited while we read.
    }
  }
  const mine = new Map<number, number>();
  for (const [pid, t] of ticks) {
    let p: number | undefined = pid;
    while (p !== undefined && p > 1 && p !== root) p = parent.get(p);
    if (p === root) mine.set(pid, t);
  }
  return mine;
}

/**
 * CPU % of one core used by our process tree (and the embedded server's part of it, the tree under `serverPid`) over `ms` (100 ticks per second on Linux):
 * processes present at both ends count their growth, new ones all of theirs; ones that
 * exited in between are left out.
 */
async function cpuOver(ms: number, serverPid?: number): Promise<{ total: number; server: number }> {
  const t0 = treeTicks(process.pid);
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const t1 = treeTicks(process.pid);
  const server = serverPid ? treeTicks(serverPid) : new Map<number, number>();
  const seconds = (performance.now() - w0) / 1000;
  let used = 0;
  let serverUsed = 0;
  for (const [pid, t] of t1) {
    const d = Math.max(0, t - (t0.get(pid) ?? 0));
    used += d;
    if (server.has(pid)) serverUsed += d;
  }
  return { total: (used / 100 / seconds) * 100, server: (serverUsed / 100 / seconds) * 100 };
}

/**
 * Console page: also taps the first audio track handed to a peer connection (the capture graph's
 * output, label "sent"), so the delay splits into capture graph (capture → sent) and WebRTC
 * (sent → received).
 */
const SENT_TAP_SCRIPT = `(() => {
  const tapped = new Set();
  const tap = (track) => {
    if (!track || track.kind !== "audio" || tapped.has(track.id) || !window.__markerTap) return;
    tapped.add(track.id);
    window.__markerTap(track, "sent");
  };
  const P = RTCPeerConnection.prototype;
  const addTrack = P.addTrack;
  P.addTrack = function (track, ...streams) { tap(track); return addTrack.call(this, track, ...streams); };
  const addTransceiver = P.addTransceiver;
  P.addTransceiver = function (trackOrKind, init) {
    if (typeof trackOrKind !== "string") tap(trackOrKind);
    return addTransceiver.call(this, trackOrKind, init);
  };
  const replaceTrack = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = function (track) { tap(track); return replaceTrack.call(this, track); };
})();`;

/**
 * Listener page: keeps its peer connections in \`window.__pcs\` (for getStats) and, for A/B runs,
 * sets the receiver's jitter buffer target / playout delay hint as each track arrives.
 */
function listenerPcScript(jitterTargetMs: number | undefined, playoutHintS: number | undefined): string {
  return `(() => {
  const pcs = (window.__pcs = []);
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      pcs.push(this);
      this.addEventListener("track", (e) => {
        if (${jitterTargetMs ?? "undefined"} !== undefined) e.receiver.jitterBufferTarget = ${jitterTargetMs ?? "undefined"};
        if (${playoutHintS ?? "undefined"} !== undefined) e.receiver.playoutDelayHint = ${playoutHintS ?? "undefined"};
      });
    }
  };
})();`;
}

/** A fresh AudioContext in the listener page, made as the page makes its own (no latencyHint: "interactive"). */
function readOutputLatency(page: Page) {
  return page.evaluate(async () => {
    const ctx = new AudioContext();
    await ctx.resume().catch(() => undefined);
    // outputLatency is an estimate that settles once the context renders.
    await new Promise((r) => setTimeout(r, 500));
    const out = {
      base_latency_ms: Math.round(ctx.baseLatency * 10000) / 10,
      output_latency_ms: Math.round(ctx.outputLatency * 10000) / 10,
      sample_rate: ctx.sampleRate,
    };
    await ctx.close();
    return out;
  });
}

/** The console's input channel choice for each glass-to-glass path. */
const PATHS = {
  input: {
    channel: "1+2",
    path: "console page (browser mode, fake stereo mic, channels 1+2 at 0 dB: the input's own track, no Web Audio graph) → listener page, loopback",
  },
  graph: {
    channel: "1",
    path: "console page (browser mode, fake stereo mic, channel 1 picked: through the console's Web Audio graph) → listener page, loopback",
  },
} as const;
type AudioPath = keyof typeof PATHS;

async function startConsoleSession(page: Page, consoleUrl: string, channel: string): Promise<string> {
  await page.addInitScript({ content: markerTapScript(true) });
  await page.addInitScript({ content: SENT_TAP_SCRIPT });
  await page.goto(consoleUrl);
  const phase = (p: string) =>
    page
      .getByTestId("console")
      .and(page.locator(`[data-phase="${p}"]`))
      .waitFor({ timeout: 30_000 });
  await phase("setup");
  await page.getByTestId("channel-select").selectOption(channel);
  await page.getByTestId("title").fill("Audio bench");
  await page.getByTestId("source-language").selectOption("en");
  await page.getByTestId("create-session").click();
  await phase("live");
  const label = (await page.getByTestId("session-id").textContent()) ?? "";
  const id = /([a-z]+-[a-z]+-\d{3})/.exec(label)?.[1];
  if (!id) throw new Error(`no session id in "${label}"`);
  await page.getByTestId("qr-close").click();
  await page.getByTestId("health-signaling").filter({ hasText: "1/1 channels open" }).waitFor({ timeout: 30_000 });
  return id;
}

const readTaps = (page: Page) => page.evaluate(() => (window as unknown as { __taps: TapRecord[] }).__taps);
const readTapErrors = (page: Page) => page.evaluate(() => (window as unknown as { __tapErrors: string[] }).__tapErrors);

async function glassToGlass(browser: Browser, consolePage: Page, listenerUrl: string, path: string) {
  const context = await browser.newContext({ locale: "en-US" });
  try {
    const listener = await context.newPage();
    listener.on("pageerror", (e) => log(`listener page error: ${e.message}`));
    listener.on("console", (m) => {
      if (m.type() === "error") log(`listener console: ${m.text()} (${m.location().url})`);
    });
    await listener.addInitScript({
      content: listenerPcScript(
        JITTER_TARGET_MS === undefined ? undefined : Number(JITTER_TARGET_MS),
        PLAYOUT_HINT_S === undefined ? undefined : Number(PLAYOUT_HINT_S),
      ),
    });
    await listener.goto(listenerUrl);
    await listener.locator("button.listen").click();
    await listener.evaluate(markerTapScript(false));
    await listener.evaluate(async () => {
      const deadline = performance.now() + 20_000;
      for (;;) {
        const s = document.querySelector("audio")?.srcObject;
        if (s instanceof MediaStream && s.getAudioTracks().length > 0) {
          const w = window as unknown as { __markerTap(t: MediaStreamTrack, l: string): void };
          w.__markerTap(s.getAudioTracks()[0] as MediaStreamTrack, "received");
          return;
        }
        if (performance.now() > deadline) throw new Error("the listener page has no audio stream after 20 s");
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    log(`listening; collecting markers for ${COLLECT_S} s`);
    const collectWindow = startConditions();
    // Receiver counters from after the first DROP_MS (the jitter buffer starts high) to the end.
    await new Promise((r) => setTimeout(r, DROP_MS));
    const rx0 = await readReceiverCounters(listener);
    await new Promise((r) => setTimeout(r, COLLECT_S * 1000 - DROP_MS));
    const rx1 = await readReceiverCounters(listener);
    const conditions = collectWindow.end();
    const output = await readOutputLatency(listener);
    const receiver = {
      ...receiverDelays(rx0, rx1),
      ...(JITTER_TARGET_MS !== undefined ? { set_jitter_buffer_target_ms: Number(JITTER_TARGET_MS) } : {}),
      ...(PLAYOUT_HINT_S !== undefined ? { set_playout_delay_hint_s: Number(PLAYOUT_HINT_S) } : {}),
    };
    log(`receiver ${JSON.stringify(receiver)}; listener page output ${JSON.stringify(output)}`);
    const [sentTaps, receivedTaps] = [await readTaps(consolePage), await readTaps(listener)];
    const errors = [...(await readTapErrors(consolePage)), ...(await readTapErrors(listener))];
    if (errors.length > 0) log(`tap errors: ${errors.join("; ")}`);
    // The console may open the device more than once (a permission probe, then the capture): use the busiest tap.
    const busiest = (label: string) =>
      sentTaps.filter((t) => t.label === label).sort((a, b) => b.markers.length - a.markers.length)[0];
    const sent = busiest("capture");
    const graphOut = busiest("sent");
    const received = receivedTaps[0];
    log(
      `capture taps: ${sentTaps.map((t) => `${t.markers.length} markers/${t.chunks} chunks/peak ${t.peak.toFixed(2)}`).join(", ")}; ` +
        `received: ${received ? `${received.markers.length} markers/${received.chunks} chunks/peak ${received.peak.toFixed(2)}` : "none"}`,
    );
    if (!sent || !received || sent.markers.length === 0 || received.markers.length === 0) {
      return { skipped: "no markers detected on one side (see the bench's stderr)" };
    }
    const { delays, unpaired } = pairMarkers(sent.markers, received.markers, DROP_MS);
    log(`paired ${delays.length} markers, ${unpaired} unpaired`);
    if (delays.length === 0) return { skipped: "received markers did not pair with captured ones" };
    const samples = delays.map(round1);
    const split = (from: number[] | undefined, to: number[] | undefined) => {
      if (!from?.length || !to?.length) return null;
      const d = pairMarkers(from, to, DROP_MS).delays;
      return d.length > 0 ? { p50: round1(percentile(d, 50)), p99: round1(percentile(d, 99)), n: d.length } : null;
    };
    return {
      ...sampleSummary(samples),
      unpaired,
      path,
      measured_at: "capture track → listener's decoded track (output playout buffer not included)",
      capture_graph_ms: split(sent.markers, graphOut?.markers),
      webrtc_ms: split(graphOut?.markers, received.markers),
      receiver,
      listener_output: {
        ...output,
        note: "the listener page's AudioContext: baseLatency + outputLatency come after the decoded track, so are NOT in glass-to-glass; add them for sound at the speaker",
      },
      conditions,
      samples,
    };
  } finally {
    await context.close();
  }
}

/** Per-viewer stats over a window: bytes received, concealed share, peak RMS. */
async function viewerHealth(viewer: ConsoleTestViewer) {
  const stats = () =>
    viewer.page.evaluate(async () => {
      const v = (window as unknown as { viewer: { pc?: RTCPeerConnection } }).viewer;
      if (!v.pc) return { bytes: 0, concealed: 0, samples: 0 };
      const report = await v.pc.getStats();
      let out = { bytes: 0, concealed: 0, samples: 0 };
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === "inbound-rtp" && s.kind === "audio") {
          out = {
            bytes: Number(s.bytesReceived ?? 0),
            concealed: Number(s.concealedSamples ?? 0),
            samples: Number(s.totalSamplesReceived ?? 0),
          };
        }
      });
      return out;
    });
  const a = await stats();
  const rms = await viewer.peakRms();
  const b = await stats();
  return { a, b, rms };
}

/** CPU of the whole tree over a window, and each viewer's audio health over the same window. */
async function measureStep(
  viewers: ConsoleTestViewer[],
  serverPid: number | undefined,
  since?: readonly { bytes: number; concealed: number; samples: number }[],
) {
  const [cpu, health] = await Promise.all([
    cpuOver(STEP_WINDOW_MS, serverPid),
    (async () => {
      const first = await Promise.all(viewers.map((v) => viewerHealth(v)));
      await new Promise((r) => setTimeout(r, STEP_WINDOW_MS - 2000));
      const last = await Promise.all(viewers.map((v) => viewerHealth(v)));
      return viewers.map((_, i) => {
        const f = first[i]!;
        const l = last[i]!;
        const start = since?.[i] ?? f.a;
        const samples = l.b.samples - start.samples;
        const concealed = samples > 0 ? (l.b.concealed - start.concealed) / samples : 1;
        // Bytes must flow in this window itself.
        const flowing = l.b.bytes > f.a.bytes;
        const rms = Math.max(f.rms, l.rms);
        return {
          ok: flowing && concealed < MAX_CONCEALED && rms > VIEWER_AUDIBLE_RMS,
          why: !flowing
            ? "no bytes"
            : concealed >= MAX_CONCEALED
              ? "concealed"
              : rms <= VIEWER_AUDIBLE_RMS
                ? "silent"
                : "",
          concealed,
          rms,
          start,
        };
      });
    })(),
  ]);
  return { cpu, health };
}

async function maxListeners(
  browser: Browser,
  consolePage: Page,
  serverPid: number | undefined,
  viewerUrl: string,
  config: ConfigDocument,
  sessionId: string,
) {
  const context = await browser.newContext();
  const viewers: ConsoleTestViewer[] = [];
  const steps: { viewers: number; cpu_pct: number; server_cpu_pct: number; intact: number }[] = [];
  let value = 0;
  let broke: string | undefined;
  let timeCapped = false;
  const stepsWindow = startConditions();
  try {
    const base = await cpuOver(STEP_WINDOW_MS / 2, serverPid);
    const baseline = base.total;
    log(`baseline (console + server + browser, no viewers): ${round1(baseline)} % of one core`);
    for (const target of viewerSteps()) {
      if (performance.now() - benchStart > STEPS_DEADLINE_MS) {
        timeCapped = true;
        log(`time budget spent before the ${target}-viewer step`);
        break;
      }
      try {
        while (viewers.length < target) {
          if (pastHardDeadline()) break;
          viewers.push(await openConsoleViewer(context, viewerUrl, config, sessionId, "en"));
        }
      } catch (err) {
        broke = `viewer ${viewers.length + 1} could not join: ${err instanceof Error ? err.message : String(err)}`;
        break;
      }
      if (viewers.length < target) {
        timeCapped = true;
        log(`time budget spent while joining the ${target}-viewer step`);
        break;
      }
      await new Promise((r) => setTimeout(r, 4000));
      let { cpu, health } = await measureStep(viewers, serverPid);
      if (health.some((h) => !h.ok) && !pastHardDeadline()) {
        // Confirm a break once over a window twice as long (concealment counted from the first
        // window's start): a scheduling hiccup on this shared machine can spoil one short window.
        log(`${target} viewers: ${health.filter((h) => !h.ok).length} not intact; measuring again`);
        const starts = health.map((h) => h.start);
        ({ cpu, health } = await measureStep(viewers, serverPid, starts));
      }
      const intact = health.filter((h) => h.ok).length;
      steps.push({ viewers: target, cpu_pct: round1(cpu.total), server_cpu_pct: round1(cpu.server), intact });
      const worst = health.reduce((m, h) => Math.max(m, h.concealed), 0);
      const why = health
        .filter((h) => !h.ok)
        .map((h) => `${h.why} (concealed ${(h.concealed * 100).toFixed(1)} %, rms ${h.rms.toFixed(3)})`);
      log(
        `${target} viewers: ${intact} intact, worst concealed ${(worst * 100).toFixed(1)} %, CPU ${round1(cpu.total)} % (server ${round1(cpu.server)} %)`,
      );
      const signaling = await consolePage
        .getByTestId("health-signaling")
        .textContent({ timeout: 2000 })
        .catch(() => "?");
      log(`  console: ${signaling?.trim()}`);
      if (why.length > 0) log(`  not intact: ${why.join("; ")}`);
      if (intact < target) {
        broke = `${target - intact} of ${target} viewers without intact audio: ${[...new Set(health.filter((h) => !h.ok).map((h) => h.why))].join(", ")}`;
        break;
      }
      value = target;
    }
    const last = steps.filter((s) => s.viewers === value).at(-1);
    return {
      value,
      cpu_pct_per_listener: last ? round1((last.cpu_pct - baseline) / value) : null,
      // The server only relays signaling: its whole CPU at that count, per viewer (an upper bound).
      server_cpu_pct_per_listener: last ? round1(last.server_cpu_pct / value) : null,
      capped: timeCapped,
      ...(timeCapped ? { cap_reason: `the bench's time budget ended the steps at ${value} viewers` } : {}),
      ...(broke ? { broke } : {}),
      cpu_note:
        "% of one core (2 here): browser (console + viewers) + server, above the no-viewer baseline, per viewer",
      baseline_cpu_pct: round1(baseline),
      baseline_server_cpu_pct: round1(base.server),
      steps,
      viewer: "KVS viewer test page (consoleViewerPage.ts), one page each, one browser context",
      conditions: stepsWindow.end(),
    };
  } finally {
    await context.close();
  }
}

export async function runAudioBench() {
  ensureConsoleBuilt();
  ensureListenerPageBuilt();
  const wav = writeMarkerWav(mkdtempSync(join(tmpdir(), "babelcast-audio-bench-")));
  // The console alone, without the product's cap: by default it serves `directCapacity` (10) listeners and
  // relays the rest (docs/relays.md), so the direct figure would stop at 10 whatever the console can do.
  const dataDir = mkdtempSync(join(tmpdir(), "babelcast-audio-bench-data-"));
  writeFileSync(
    join(dataDir, "embedded.json"),
    JSON.stringify({ sessions: { directCapacity: 10_000 }, relays: { count: 0 } }),
  );
  const server = await serveEmbedded({ dataDir });
  const viewerPages = await serveViewerPage();
  const launch = () =>
    chromium.launch(
      chromiumLaunchOptions(["--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${wav}`]),
    );
  const metrics: Record<string, unknown> = {};
  const series: Record<string, number[] | [number, number][]> = {};
  const failed = (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`;
  try {
    const config = ConfigDocument.parse(await (await fetch(`${server.ready.url}/config.json`)).json());
    /** A fresh console page with a live session in `browser` on input `channel`, or why it could not start one. */
    const openConsole = async (browser: Browser, channel: string) => {
      const consolePage = await (await browser.newContext()).newPage();
      try {
        const sessionId = await startConsoleSession(consolePage, server.ready.consoleUrl, channel);
        log(`session ${sessionId} live (input channel ${channel})`);
        return { consolePage, sessionId };
      } catch (err) {
        return {
          skipped: `the console could not start a session: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    };

    /** G2G_RUNS glass-to-glass runs of one path, pooled, or why they could not all run. */
    const pooledPath = async (which: AudioPath) => {
      const { channel, path } = PATHS[which];
      const runs: MarkerRun[] = [];
      let last: Record<string, unknown> = {};
      for (let run = 1; run <= G2G_RUNS; run++) {
        const browser = await launch();
        try {
          const opened = await openConsole(browser, channel);
          if ("skipped" in opened) {
            last = { skipped: opened.skipped };
            break;
          }
          const listenerUrl = `${config.listenerUrl}/s/${opened.sessionId}`;
          const g2g = await glassToGlass(browser, opened.consolePage, listenerUrl, path);
          if (!("samples" in g2g) || !g2g.samples) {
            last = g2g;
            break;
          }
          const { samples, ...rest } = g2g;
          runs.push({ ...rest, samples });
          last = rest;
          log(`glass-to-glass (${which}) run ${run} of ${G2G_RUNS}: p50 ${rest.p50} ms`);
        } catch (err) {
          log(err instanceof Error ? (err.stack ?? err.message) : String(err));
          last = { skipped: failed(err) };
          break;
        } finally {
          await browser.close();
        }
      }
      if (runs.length < G2G_RUNS)
        return { metric: "skipped" in last ? last : { skipped: `only ${runs.length} of ${G2G_RUNS} runs measured` } };
      const { measured_at, receiver, listener_output } = last;
      return {
        metric: { ...poolRuns(runs), path, measured_at, receiver, listener_output },
        samples: runs.flatMap((r) => r.samples),
      };
    };

    for (const [which, name] of [
      ["input", "audio_glass_to_glass_ms"],
      ["graph", "audio_glass_to_glass_graph_ms"],
    ] as const) {
      const pooled = await pooledPath(which);
      metrics[name] = pooled.metric;
      if (pooled.samples) series[name] = pooled.samples;
      log(JSON.stringify(pooled.metric));
    }

    if (!RUN_VIEWERS) {
      metrics.max_audio_listeners_direct = { skipped: "not run: AUDIO_BENCH_VIEWERS=0" };
      return { metrics, series };
    }
    const browser = await launch();
    try {
      const opened = await openConsole(browser, PATHS.graph.channel);
      if ("skipped" in opened) {
        metrics.max_audio_listeners_direct = { skipped: opened.skipped };
        return { metrics, series };
      }
      const listeners = await maxListeners(
        browser,
        opened.consolePage,
        server.process.pid,
        viewerPages.url,
        config,
        opened.sessionId,
      );
      metrics.max_audio_listeners_direct = listeners;
      series.max_audio_listeners_direct_cpu_pct = listeners.steps.map(
        (s) => [s.viewers, s.cpu_pct] as [number, number],
      );
    } catch (err) {
      log(err instanceof Error ? (err.stack ?? err.message) : String(err));
      metrics.max_audio_listeners_direct = { skipped: failed(err) };
    } finally {
      await browser.close();
    }
    return { metrics, series };
  } finally {
    await viewerPages.close();
    await server.stop();
  }
}

export default runAudioBench;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAudioBench().then(
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
