import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSignalingChannelCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { type RunningEmbeddedServer, startEmbeddedServer } from "@babelcast/embedded/embeddedServer.js";
import { PATHS } from "@babelcast/protocol";
import { RelayProcess } from "@babelcast/relay/testSupport/relayProcess.js";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { serveKvsCallPage, startKvsViewer } from "../../support/kvsCallPage.js";
import { channelGrants } from "../../support/kvsPresign.js";
import { startRelayConsole } from "../../support/relayConsole.js";

// One tone per language: what a listener hears tells which track the relay forwards to it.
const TONES = { en: 440, es: 1320 };

let server: RunningEmbeddedServer;
let pages: Awaited<ReturnType<typeof serveKvsCallPage>>;
let dataDir: string;
let browser: Browser;
let control: KinesisVideoClient;

test.beforeAll(async ({ playwright }, testInfo) => {
  const launch = testInfo.project.use.launchOptions ?? {};
  browser = await playwright.chromium.launch({
    ...launch,
    // Host candidates as addresses, not mDNS names: the relay (libdatachannel) cannot resolve .local names.
    args: [...(launch.args ?? []), "--disable-features=WebRtcHideLocalIpsWithMdns"],
  });
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-relay-e2e-"));
  server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir });
  pages = await serveKvsCallPage();
  const { region, credentials } = server.context;
  control = new KinesisVideoClient({ endpoint: `${server.url}${PATHS.kinesisvideo}`, region, credentials });
});

test.afterAll(async () => {
  control?.destroy();
  await browser?.close();
  await pages?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A presigned grant as the backend hands one out (signed here with the data dir's account key). */
async function grantFor(channelName: string) {
  const { region, credentials } = server.context;
  const { ChannelARN: channelArn = "" } = await control.send(
    new CreateSignalingChannelCommand({ ChannelName: channelName }),
  );
  return channelGrants(server.url, channelArn, credentials, region);
}

/** The loudest frequency (Hz) the viewer page receives, 0 while no audio arrives. */
function dominantFrequency(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { kvsViewer?: { pc: RTCPeerConnection } }).kvsViewer?.pc;
    const track = pc?.getReceivers()[0]?.track;
    if (!track) return 0;
    const ctx = new AudioContext();
    await ctx.resume();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 4096;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    await new Promise((r) => setTimeout(r, 400));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let i = 1; i < bins.length; i++) if ((bins[i] ?? -Infinity) > (bins[best] ?? -Infinity)) best = i;
    const loud = (bins[best] ?? -Infinity) > -80;
    await ctx.close();
    return loud ? Math.round((best * ctx.sampleRate) / analyser.fftSize) : 0;
  });
}

test("the console answers a relay with every language track in 10 ms frames, and a Chromium listener of the relay hears its language, then the other after a switch without renegotiation", async () => {
  const consoleChannel = await grantFor("babelcast-e2e-relay-console");
  const poolChannel = await grantFor("babelcast-e2e-relay-pool");
  const consolePage = await startRelayConsole(browser, server.url, await consoleChannel("MASTER"), TONES);
  const relay = new RelayProcess();
  const context = await browser.newContext();
  try {
    relay.send({
      type: "start",
      relayId: "relay-e2e",
      upstream: await consoleChannel("VIEWER", "relay-e2e"),
      languages: ["en", "es"],
      bindAddress: "127.0.0.1",
    });
    relay.send({ type: "addChannel", grant: await poolChannel("MASTER") });
    relay.send({ type: "assign", viewerId: "l-e2e", language: "en" });
    await expect
      .poll(() => relay.events.some((e) => e.type === "upstream" && e.languages.length === 2), { timeout: 30_000 })
      .toBe(true);
    // The real console code saw a relay (client id relay-…) and gave it both language tracks.
    await expect
      .poll(async () => (await consolePage.relays()).map((r) => [r.clientId, r.state, r.languages]))
      .toEqual([["relay-e2e", "connected", ["en", "es"]]]);
    // In 10 ms Opus frames, as to a direct listener: 100 packets a second per language (20 ms frames: 50).
    const before = await consolePage.sentPackets();
    await new Promise((r) => setTimeout(r, 2000));
    const after = await consolePage.sentPackets();
    const perSecond = ((after.packets.en ?? 0) - (before.packets.en ?? 0)) / ((after.at - before.at) / 1000);
    expect(perSecond).toBeGreaterThan(75);

    const viewer = await context.newPage();
    await viewer.goto(pages.url);
    const grant = await poolChannel("VIEWER", "l-e2e");
    await startKvsViewer(viewer, grant);
    // How far (Hz) what the listener hears is from a language's tone.
    const offTone = async (target: number) => Math.abs((await dominantFrequency(viewer)) - target);
    await expect.poll(() => offTone(TONES.en), { timeout: 30_000 }).toBeLessThan(60);

    relay.send({ type: "assign", viewerId: "l-e2e", language: "es" });
    await expect.poll(() => offTone(TONES.es), { timeout: 15_000 }).toBeLessThan(60);
    // No renegotiation: the listener's one connection is still up and was never offered again.
    const state = await viewer.evaluate(() => {
      const pc = (window as unknown as { kvsViewer: { pc: RTCPeerConnection } }).kvsViewer.pc;
      return [pc.connectionState, pc.signalingState, pc.getReceivers().length];
    });
    expect(state).toEqual(["connected", "stable", 1]);
    // A new offer would have made the relay a new peer for it: "connecting" again after "connected".
    const states = relay.events.flatMap((e) => (e.type === "viewer" && e.viewerId === "l-e2e" ? [e.state] : []));
    expect(states.slice(states.indexOf("connected"))).not.toContain("connecting");
    expect(relay.errors()).toEqual([]);
  } finally {
    await context.close();
    await relay.stop();
    await consolePage.close();
  }
});
