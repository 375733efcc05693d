import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConfigDocument, encodeSpeechFrame } from "@babelcast/protocol";
import { type Browser, type ConsoleMessage, expect, type Page, test } from "@playwright/test";
import { writeConsoleTestWav } from "../../support/consoleAudio.js";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";
import { openConsoleViewer, type ViewerPageServer } from "../../support/consoleViewerPage.js";
import type { ServedEmbedded } from "../../support/embeddedServer.js";
import { ensureListenerPageBuilt } from "../../support/listenerBuild.js";

const wav = writeConsoleTestWav(mkdtempSync(join(tmpdir(), "babelcast-console-audio-")));

// The project's browser and base flags, plus Chromium's fake microphone playing our tone.
test.use({ launchOptions: fakeMicrophone(wav) });

let servers: ConsoleTestServers;
let server: ServedEmbedded;
let viewerPages: ViewerPageServer;
let config: ConfigDocument;

test.beforeAll(async () => {
  servers = await startConsoleTestServers();
  ({ server, viewerPages, config } = servers);
});
test.afterAll(async () => {
  await servers?.stop();
});

/** Opens the console as `npm start` does and collects CSP violations and page errors. */
async function openConsole(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  await page.goto(server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  return problems;
}

async function startSession(page: Page, title: string, targets: string[] = []): Promise<string> {
  await page.getByTestId("title").fill(title);
  await page.getByTestId("source-language").selectOption("en");
  for (const t of targets) await page.getByTestId(`target-${t}`).check();
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  const label = (await page.getByTestId("session-id").textContent()) ?? "";
  const id = /([a-z]+-[a-z]+-\d{3})/.exec(label)?.[1];
  expect(id, `session id in "${label}"`).toBeTruthy();
  return id!;
}

test("lists the inputs with channel counts, keeps voice processing off, and the meter follows the input", async ({
  page,
}) => {
  const problems = await openConsole(page);
  // The owner token leaves the address bar once read.
  expect(page.url()).not.toContain("token=");
  const options = page.getByTestId("device-select").locator("option");
  await expect.poll(() => options.count(), { timeout: 15_000 }).toBeGreaterThan(1);
  await expect(options.filter({ hasText: /\(\d+ ch\)/ }).first()).toBeAttached();
  for (const id of ["echo-cancellation", "noise-suppression", "auto-gain", "monitor"])
    await expect(page.getByTestId(id)).not.toBeChecked();

  // The tone is at -6 dBFS: the held peak sits near it, far above the -60 dB floor.
  const meter = page.getByTestId("level-meter").first();
  await expect
    .poll(async () => Number(await meter.getAttribute("data-hold-db")), { timeout: 10_000 })
    .toBeGreaterThan(-12);
  // Gain moves the meter: -24 dB pulls the peak down by about that much.
  await page.getByTestId("gain").fill("-24");
  await expect
    .poll(async () => Number(await meter.getAttribute("data-peak-db")), { timeout: 10_000 })
    .toBeLessThan(-24);
  await page.getByTestId("gain").fill("0");
  expect(problems).toEqual([]);
});

test("creates a session and shows the join QR code with the link under it", async ({ page }) => {
  const problems = await openConsole(page);
  const id = await startSession(page, "QR check", ["es"]);
  const overlay = page.getByTestId("qr-overlay");
  await expect(overlay).toBeVisible();
  await expect(page.getByTestId("join-url")).toHaveText(new RegExp(`/s/${id}$`));
  await expect(page.getByTestId("qr-code")).toHaveAttribute("src", /^data:image\/png;base64,/);
  // A window of its own for the projector: just the code, no token in its URL.
  const [projector] = await Promise.all([page.context().waitForEvent("page"), page.getByTestId("qr-window").click()]);
  // A fresh window loads the whole console bundle first: give it time on a busy machine.
  await expect(projector.getByTestId("join-url")).toHaveText(new RegExp(`/s/${id}$`), { timeout: 15_000 });
  await expect(projector.getByTestId("qr-code")).toBeVisible();
  expect(projector.url()).not.toContain("token");
  await projector.close();
  await page.keyboard.press("Escape");
  await expect(overlay).toBeHidden();
  await page.keyboard.press("q");
  await expect(overlay).toBeVisible();
  await page.getByTestId("qr-close").click();
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 15_000 });
  expect(problems).toEqual([]);
});

/** A live session with its join QR closed and its channel open, and one English listener of it in a new context. */
async function liveWithEnglishListener(page: Page, browser: Browser, title: string) {
  const problems = await openConsole(page);
  const id = await startSession(page, title);
  await page.getByTestId("qr-close").click();
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 15_000 });
  const listenerContext = await browser.newContext();
  const viewer = await openConsoleViewer(listenerContext, viewerPages.url, config, id, "en");
  return { problems, listenerContext, viewer };
}

test("a listener hears the presenter, the console counts it, and pause and mute reach the listener", async ({
  page,
  browser,
}) => {
  const { problems, listenerContext, viewer } = await liveWithEnglishListener(page, browser, "Listener check");

  await expect
    .poll(() => viewer.peakRms(), { timeout: 20_000, message: "listener hears the tone" })
    .toBeGreaterThan(0.05);
  // The console's encoder sends 10 ms Opus frames (480 samples at 48 kHz per packet; 20 ms frames give 960).
  await expect.poll(() => viewer.samplesPerPacket(), { timeout: 10_000 }).toBeLessThan(720);
  expect(await viewer.samplesPerPacket()).toBeGreaterThan(240);
  await expect(page.getByTestId("listener-total")).toHaveText("1", { timeout: 15_000 });
  await expect(page.getByTestId("count-en")).toContainText("1");
  await page.getByTestId("toggle-diagnostics").click();
  await expect(page.getByTestId("viewer-row")).toHaveAttribute("data-state", "connected", { timeout: 15_000 });
  // getStats reaches the panel: the audio bitrate of an Opus voice stream.
  await expect(page.getByTestId("viewer-bitrate")).toContainText("kbit/s", { timeout: 15_000 });

  // Pause: silence and a status to everyone.
  await page.keyboard.press("p");
  await expect(page.getByTestId("status")).toHaveText("PAUSED");
  await expect.poll(() => viewer.lastStatus(), { timeout: 10_000 }).toMatchObject({ status: "paused" });
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000, message: "silence while paused" }).toBeLessThan(0.005);
  await page.keyboard.press("p");
  await expect.poll(() => viewer.lastStatus(), { timeout: 10_000 }).toMatchObject({ status: "live", muted: false });
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000 }).toBeGreaterThan(0.05);

  // Mute: silence, the status says muted.
  await page.getByTestId("mute").click();
  await expect(page.getByTestId("status")).toHaveText("MUTED");
  await expect.poll(() => viewer.lastStatus(), { timeout: 10_000 }).toMatchObject({ muted: true });
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000, message: "silence while muted" }).toBeLessThan(0.005);
  await page.keyboard.press("m");
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000 }).toBeGreaterThan(0.05);

  await listenerContext.close();
  await expect(page.getByTestId("listener-total")).toHaveText("0", { timeout: 20_000 });
  expect(problems).toEqual([]);
});

/** Keeps the console page's peer connections in `window.__pcs`, to read what each sends. */
const RECORD_PEERS = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = (window.__pcs = []);
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  };
})();`;

/** For each audio track the console sends to a connected peer: whether it is an input device's own track (not the Web Audio graph's). */
function sentTrackIsDevice(page: Page): Promise<boolean[]> {
  return page.evaluate(async () => {
    const inputs = (await navigator.mediaDevices.enumerateDevices())
      .filter((d) => d.kind === "audioinput")
      .map((d) => d.deviceId);
    return (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
      .filter((pc) => pc.connectionState === "connected")
      .flatMap((pc) => pc.getSenders())
      .flatMap((s) => (s.track?.kind === "audio" ? [inputs.includes(s.track.getSettings().deviceId ?? "")] : []));
  });
}

test("a listener of the original gets the input's own track, skipping the Web Audio graph, while the graph would not change it (0 dB, every channel); a gain or a one-channel pick routes it through the graph, and pause silences either", async ({
  page,
  browser,
}) => {
  await page.addInitScript(RECORD_PEERS);
  const { problems, listenerContext, viewer } = await liveWithEnglishListener(page, browser, "Pass-through check");
  await expect.poll(() => viewer.peakRms(), { timeout: 20_000 }).toBeGreaterThan(0.05);
  // Chromium's fake input is stereo: channel 1 alone (the default) is a pick, made by the graph.
  await expect(page.getByTestId("channel-select")).toHaveValue("1");
  await expect.poll(() => sentTrackIsDevice(page), { timeout: 10_000 }).toEqual([false]);

  // Both channels at 0 dB: the device's own track replaces the graph's on the same connection.
  await page.getByTestId("channel-select").selectOption("1+2");
  await expect.poll(() => sentTrackIsDevice(page), { timeout: 10_000 }).toEqual([true]);
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000 }).toBeGreaterThan(0.05);
  await page.keyboard.press("p");
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000, message: "silence while paused" }).toBeLessThan(0.005);
  await page.keyboard.press("p");
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000 }).toBeGreaterThan(0.05);

  // -24 dB: the graph's track again, and the listener hears the tone 24 dB down.
  await page.getByTestId("gain").fill("-24");
  await expect.poll(() => sentTrackIsDevice(page), { timeout: 10_000 }).toEqual([false]);
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000, message: "the tone 24 dB down" }).toBeLessThan(0.03);
  expect(await viewer.peakRms()).toBeGreaterThan(0.005);

  // Back to 0 dB: the device's own track, at full level.
  await page.getByTestId("gain").fill("0");
  await expect.poll(() => sentTrackIsDevice(page), { timeout: 10_000 }).toEqual([true]);
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000 }).toBeGreaterThan(0.05);
  await listenerContext.close();
  expect(problems).toEqual([]);
});

/** Highest RMS of what the real listener page's audio element plays, over about a second. */
function listenerPagePeakRms(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const w = window as unknown as { probe?: () => number };
    if (!w.probe) {
      const stream = document.querySelector("audio")?.srcObject;
      if (!(stream instanceof MediaStream) || stream.getAudioTracks().length === 0) return 0;
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      w.probe = () => {
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (const v of buf) sum += v * v;
        return Math.sqrt(sum / buf.length);
      };
    }
    let peak = 0;
    const end = performance.now() + 1200;
    while (performance.now() < end) {
      peak = Math.max(peak, w.probe());
      await new Promise((r) => setTimeout(r, 20));
    }
    return peak;
  });
}

test("the real listener page hears the presenter and the console counts it", async ({ page, browser }) => {
  ensureListenerPageBuilt();
  const problems = await openConsole(page);
  const id = await startSession(page, "Listener page check");
  await page.getByTestId("qr-close").click();
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 15_000 });

  const listenerContext = await browser.newContext({ locale: "en-US" });
  const listener = await listenerContext.newPage();
  await listener.goto(`${config.listenerUrl}/s/${id}`);
  await listener.getByRole("button", { name: "Listen" }).click();
  await expect(page.getByTestId("listener-total")).toHaveText("1", { timeout: 20_000 });
  await expect
    .poll(() => listenerPagePeakRms(listener), { timeout: 20_000, message: "the listener page plays the tone" })
    .toBeGreaterThan(0.05);
  await page.getByTestId("mute").click();
  await expect
    .poll(() => listenerPagePeakRms(listener), { timeout: 10_000, message: "silence while muted" })
    .toBeLessThan(0.005);
  await listenerContext.close();
  expect(problems).toEqual([]);
});

test("reopens a running session after a restart, and a lost input falls back with a warning", async ({ page }) => {
  const problems = await openConsole(page);
  const id = await startSession(page, "Restart check");
  await page.getByTestId("qr-close").click();

  // A restart of the console (the token stays for the tab, not in the address bar).
  await page.reload();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await expect(page.getByTestId("resume-session")).toContainText(id);
  await page.getByTestId("reopen").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  await expect(page.getByTestId("session-id")).toContainText(id);
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 15_000 });

  // The interface is unplugged mid-talk: its track ends; the console carries on with the default.
  await page.evaluate(() => {
    const c = (
      window as unknown as { babelcastConsole: { audioInput: { capture: { deviceTrack?: MediaStreamTrack } } } }
    ).babelcastConsole;
    c.audioInput.capture.deviceTrack?.dispatchEvent(new Event("ended"));
  });
  await expect(page.getByTestId("notice-device-lost")).toContainText("was disconnected", { timeout: 10_000 });
  const meter = page.getByTestId("level-meter").first();
  await expect
    .poll(async () => Number(await meter.getAttribute("data-hold-db")), { timeout: 10_000 })
    .toBeGreaterThan(-12);
  expect(problems).toEqual([]);
});

/** One second of a 660 Hz tone as a PCM speech frame for `language`, as the pipeline sends it. */
function speechFrameBytes(language: string, segmentSeq: number): number[] {
  const rate = 16_000;
  const audio = new Uint8Array(rate * 2);
  const view = new DataView(audio.buffer);
  for (let i = 0; i < rate; i++)
    view.setInt16(i * 2, Math.round(0.4 * 32767 * Math.sin((2 * Math.PI * 660 * i) / rate)), true);
  return Array.from(
    encodeSpeechFrame({ language, seq: segmentSeq, segmentSeq, format: "pcm", sampleRate: rate, rate: 1, audio }),
  );
}

test("a listener of a translated language hears its speech track, and switching language swaps the track", async ({
  page,
  browser,
}) => {
  const problems = await openConsole(page);
  // Without the room sound under the voice, the Spanish track is silent until speech arrives.
  await page.getByTestId("open-settings").click();
  await page.getByTestId("floor-mix").uncheck();
  const id = await startSession(page, "Speech check", ["es"]);
  await page.getByTestId("qr-close").click();
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 15_000 });

  const listenerContext = await browser.newContext();
  const viewer = await openConsoleViewer(listenerContext, viewerPages.url, config, id, "es");
  await expect(page.getByTestId("count-es")).toContainText("1", { timeout: 15_000 });
  await expect.poll(() => viewer.peakRms(), { timeout: 10_000, message: "no speech yet: silence" }).toBeLessThan(0.005);

  // Speech frames as the server sends them (binary, one per segment): queued back to back, heard.
  const frames = [speechFrameBytes("es", 0), speechFrameBytes("es", 1), speechFrameBytes("es", 2)];
  await page.evaluate(async (all) => {
    const c = (window as unknown as { babelcastConsole: { speech: { acceptFrame(f: ArrayBuffer): Promise<void> } } })
      .babelcastConsole;
    for (const f of all) await c.speech.acceptFrame(new Uint8Array(f).buffer);
  }, frames);
  await expect
    .poll(() => viewer.peakRms(), { timeout: 10_000, message: "the Spanish speech is heard" })
    .toBeGreaterThan(0.1);

  // The listener switches to English: the console replaces its track with the original (the tone).
  await viewer.page.evaluate(() =>
    (window as unknown as { viewer: { ws: WebSocket } }).viewer.ws.send(
      JSON.stringify({ action: "language", language: "en" }),
    ),
  );
  await expect(page.getByTestId("count-en")).toContainText("1", { timeout: 15_000 });
  await page.waitForTimeout(3500); // the queued Spanish speech (3 s) would have ended by now
  await expect
    .poll(() => viewer.peakRms(), { timeout: 15_000, message: "the original is heard after the switch" })
    .toBeGreaterThan(0.1);

  await listenerContext.close();
  expect(problems).toEqual([]);
});

test("a committed segment comes back translated, is spoken to its listeners, and is timed per stage", async ({
  page,
  browser,
}) => {
  const problems = await openConsole(page);
  await page.getByTestId("open-settings").click();
  await page.getByTestId("floor-mix").uncheck();
  const id = await startSession(page, "Pipeline check", ["es"]);
  await page.getByTestId("qr-close").click();
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 15_000 });
  const listenerContext = await browser.newContext();
  const viewer = await openConsoleViewer(listenerContext, viewerPages.url, config, id, "es");
  await expect(page.getByTestId("count-es")).toContainText("1", { timeout: 15_000 });

  // A committed segment, as the recognizer hands it over.
  await page.evaluate(() => {
    const c = (
      window as unknown as {
        babelcastConsole: {
          session: { allocateSeq(): number };
          recognition: { acceptSegment(s: object): void };
        };
      }
    ).babelcastConsole;
    c.recognition.acceptSegment({
      seq: c.session.allocateSeq(),
      text: "Good morning to everyone in the hall.",
      startTime: 0,
      endTime: 2,
      words: [{ text: "Good", startTime: 0, endTime: 2 }],
      reason: "sentence",
      committedAt: Date.now(),
    });
  });
  // Translated (shown in the console, captioned to the Spanish listener), then spoken on the Spanish track.
  // The segment is found by its text: the fake microphone's beeps can be recognized as a word of their own
  // ("i"), and its segment is translated too.
  const injected = page.getByTestId("segment").filter({ hasText: "Good morning to everyone in the hall." });
  await expect(injected.locator('.translation[data-lang="es"]')).not.toBeEmpty({ timeout: 30_000 });
  await expect.poll(() => viewer.captionTexts(), { timeout: 30_000 }).not.toEqual([]);
  await expect
    .poll(() => viewer.peakRms(), { timeout: 30_000, message: "the Spanish voice is heard" })
    .toBeGreaterThan(0.01);
  // Every stage timed, up to the console starting to play it.
  const chart = page.getByTestId("latency-chart");
  await expect(chart.locator("rect title").filter({ hasText: "queue → playing" }).first()).toBeAttached({
    timeout: 15_000,
  });
  await listenerContext.close();
  expect(problems).toEqual([]);
});
