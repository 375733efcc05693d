import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConfigDocument } from "@babelcast/protocol";
import type { BrowserContext, Page } from "@playwright/test";
import { kvsSignalingBundle } from "./kvsSignalingBundle.js";

/**
 * A minimal listener for console tests: joins a session through the HTTP API, receives the
 * console's audio as a KVS WebRTC viewer, measures its energy, and follows the listener
 * WebSocket for session status. Served from its own loopback HTTP server (a page fulfilled
 * by route interception counts as public to Chromium's local-network checks, which then
 * block its WebSockets to 127.0.0.1); it calls the API cross-origin, as CORS allows.
 */
const VIEWER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>console test viewer</title><script src="/e2e-viewer/kvs-sdk.js"></script></head>
<body><script>
window.viewer = {
  status: [],
  captions: [],
  async join(apiUrl, webSocketUrl, sessionId, language, httpUrl, realtimeUrl) {
    const res = await fetch(apiUrl + "/sessions/" + sessionId + "/listeners", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ language }),
    });
    const join = await res.json();
    if (!res.ok) throw new Error("join failed: " + JSON.stringify(join));
    this.join = join;
    const seen = new Set();
    const take = (m) => {
      if (m.type === "session-status") this.status.push(m);
      if (m.type === "caption" && !seen.has(m.seq)) { seen.add(m.seq); this.captions.push(m); }
    };
    const ws = new WebSocket(join.webSocketUrl + "?role=listener&sessionId=" + sessionId + "&token=" + encodeURIComponent(join.listenerToken));
    ws.onmessage = (e) => { if (typeof e.data === "string") take(JSON.parse(e.data)); };
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("listener socket failed")); });
    this.ws = ws;
    // Live captions and status come from the language's caption channel (AppSync Events'
    // protocol); once subscribed, a hello on the socket replays what came before.
    const auth = { host: new URL(httpUrl).host, Authorization: join.listenerToken };
    const header = btoa(JSON.stringify(auth)).split("+").join("-").split("/").join("_").replace(/=+$/, "");
    const feed = new WebSocket(realtimeUrl, ["aws-appsync-event-ws", "header-" + header]);
    await new Promise((resolve, reject) => {
      feed.onopen = () => feed.send(JSON.stringify({ type: "connection_init" }));
      feed.onmessage = (e) => {
        const f = JSON.parse(e.data);
        if (f.type === "connection_ack")
          feed.send(JSON.stringify({ type: "subscribe", id: "captions", channel: "/captions/" + sessionId + "/" + join.language, authorization: auth }));
        else if (f.type === "subscribe_success") resolve();
        else if (f.type === "data") take(JSON.parse(f.event));
        else if (f.type === "subscribe_error" || f.type === "connection_error") reject(new Error("caption feed refused: " + e.data));
      };
      feed.onerror = () => reject(new Error("caption feed failed"));
    });
    this.feed = feed;
    ws.send(JSON.stringify({ action: "hello", lastSeq: -1 }));
    if (join.audio.mode !== "webrtc") throw new Error("no audio: " + join.audio.reason);
    const g = join.audio.signaling;
    const pc = new RTCPeerConnection({ iceServers: g.iceServers });
    pc.addTransceiver("audio", { direction: "recvonly" });
    const client = new KVSWebRTC.SignalingClient({
      channelARN: g.channelArn, channelEndpoint: g.channelEndpoint, region: g.region,
      role: KVSWebRTC.Role.VIEWER, clientId: g.clientId || join.listenerId,
      requestSigner: { getSignedURL: async () => g.signedUrl },
    });
    let answered;
    const answer = new Promise((r) => { answered = r; });
    client.on("sdpAnswer", (a) => { pc.setRemoteDescription(a).then(answered); });
    client.on("iceCandidate", (c) => { answer.then(() => pc.addIceCandidate(c)); });
    pc.onicecandidate = (e) => { if (e.candidate) client.sendIceCandidate(e.candidate); };
    pc.ontrack = (e) => {
      const stream = e.streams[0] || new MediaStream([e.track]);
      // Chromium feeds a remote stream to Web Audio only while a media element plays it.
      const el = new Audio(); el.muted = true; el.srcObject = stream; el.play().catch(() => {});
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser(); analyser.fftSize = 2048;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      const spectrum = new Float32Array(analyser.frequencyBinCount);
      // Share of the received power within 50 Hz of freq (0 when nearly silent).
      this.share = (freq) => {
        analyser.getFloatFrequencyData(spectrum);
        const binHz = ctx.sampleRate / analyser.fftSize;
        let total = 0, near = 0;
        spectrum.forEach((db, i) => { const p = Math.pow(10, db / 10); total += p; if (Math.abs(i * binHz - freq) <= 50) near += p; });
        return total < 1e-7 ? 0 : near / total;
      };
      this.rms = () => { analyser.getFloatTimeDomainData(buf); let s = 0; for (const v of buf) s += v * v; return Math.sqrt(s / buf.length); };
      this.ctx = ctx;
    };
    await new Promise((resolve, reject) => {
      client.once("open", resolve);
      client.once("error", (e) => reject(new Error("viewer signaling failed: " + (e && e.message ? e.message : e && e.type) + " at " + g.channelEndpoint)));
      client.open();
    });
    await pc.setLocalDescription(await pc.createOffer());
    client.sendSdpOffer(pc.localDescription);
    this.pc = pc; this.client = client;
    return join.listenerId;
  },
  /** Largest RMS over a window: the tone bursts every second, so a 1.2 s window always holds one. */
  async peakRms(ms = 1200) {
    if (!this.rms) return 0;
    let peak = 0; const end = performance.now() + ms;
    while (performance.now() < end) { peak = Math.max(peak, this.rms()); await new Promise((r) => setTimeout(r, 20)); }
    return peak;
  },
  /** Largest share of the power near freq over a window: how clearly a steady tone is heard. */
  async toneShare(freq, ms = 1200) {
    if (!this.share) return 0;
    let peak = 0; const end = performance.now() + ms;
    while (performance.now() < end) { peak = Math.max(peak, this.share(freq)); await new Promise((r) => setTimeout(r, 50)); }
    return peak;
  },
  lastStatus() { return this.status[this.status.length - 1] || null; },
  /** Audio samples per packet received (48 kHz Opus: 480 for 10 ms frames, 960 for 20 ms). */
  async samplesPerPacket() {
    if (!this.pc) return 0;
    let ratio = 0;
    (await this.pc.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio" && s.packetsReceived > 0) ratio = s.totalSamplesReceived / s.packetsReceived;
    });
    return ratio;
  },
  captionTexts() { return this.captions.map((c) => c.text); },
};
</script></body></html>`;

export interface ConsoleTestViewer {
  readonly page: Page;
  /** Highest RMS the viewer heard over about a second. */
  peakRms(): Promise<number>;
  /** Highest share of the received power within 50 Hz of `freq` over about a second (a steady tone: near 1). */
  toneShare(freq: number): Promise<number>;
  lastStatus(): Promise<{ status: string; muted: boolean } | null>;
  /** Audio samples per packet received so far (48 kHz Opus: 480 for 10 ms frames, 960 for 20 ms). */
  samplesPerPacket(): Promise<number>;
  /** Texts of the captions the listener got (its channel, and the replay on its WebSocket), in order, once each. */
  captionTexts(): Promise<string[]>;
}

export interface ViewerPageServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the viewer page and the KVS SDK bundle on a loopback port. */
export async function serveViewerPage(): Promise<ViewerPageServer> {
  const sdk = await kvsSignalingBundle();
  const server: Server = createServer((req, res) => {
    if (req.url === "/e2e-viewer/kvs-sdk.js") res.writeHead(200, { "content-type": "text/javascript" }).end(sdk);
    else res.writeHead(200, { "content-type": "text/html" }).end(VIEWER_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/e2e-viewer/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function openConsoleViewer(
  context: BrowserContext,
  pageUrl: string,
  config: Pick<ConfigDocument, "apiUrl" | "webSocketUrl" | "events">,
  sessionId: string,
  language: string,
): Promise<ConsoleTestViewer> {
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.evaluate(
    ([api, ws, id, lang, http, realtime]) =>
      (window as unknown as { viewer: { join(...a: string[]): Promise<string> } }).viewer.join(
        api!,
        ws!,
        id!,
        lang!,
        http!,
        realtime!,
      ),
    [config.apiUrl, config.webSocketUrl, sessionId, language, config.events.httpUrl, config.events.realtimeUrl],
  );
  type V = {
    viewer: {
      peakRms(): Promise<number>;
      toneShare(freq: number): Promise<number>;
      lastStatus(): { status: string; muted: boolean } | null;
      captionTexts(): string[];
      samplesPerPacket(): Promise<number>;
    };
  };
  return {
    page,
    peakRms: () => page.evaluate(() => (window as unknown as V).viewer.peakRms()),
    toneShare: (freq) => page.evaluate((f) => (window as unknown as V).viewer.toneShare(f), freq),
    lastStatus: () => page.evaluate(() => (window as unknown as V).viewer.lastStatus()),
    captionTexts: () => page.evaluate(() => (window as unknown as V).viewer.captionTexts()),
    samplesPerPacket: () => page.evaluate(() => (window as unknown as V).viewer.samplesPerPacket()),
  };
}
