import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SignalingGrant } from "@babelcast/protocol";
import type { Page } from "@playwright/test";
import { kvsSignalingBundle } from "./kvsSignalingBundle.js";

/**
 * A test page that holds one side of a WebRTC audio call signalled through KVS with the
 * SDK's SignalingClient (loaded from `/kvs-sdk.js`, see kvsSignalingBundle). The master
 * sends the microphone (Chromium's fake device); the viewer receives and reports bytes.
 */
export const KVS_CALL_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>KVS call</title><script src="/kvs-sdk.js"></script></head>
<body><script>
function signaling(cfg, role) {
  return new KVSWebRTC.SignalingClient({
    channelARN: cfg.channelArn,
    channelEndpoint: cfg.endpoint,
    region: cfg.region,
    role,
    ...(cfg.clientId ? { clientId: cfg.clientId } : {}),
    requestSigner: { getSignedURL: async () => cfg.signedUrl },
  });
}
function opened(client) {
  return new Promise((resolve, reject) => {
    client.once("open", resolve);
    client.once("error", (e) => reject(new Error("signaling failed: " + (e && e.message ? e.message : e))));
    client.open();
  });
}
window.kvsCall = {
  async master(cfg) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const client = signaling(cfg, KVSWebRTC.Role.MASTER);
    const peers = new Map();
    client.on("sdpOffer", (offer, viewerId) => {
      const pc = new RTCPeerConnection({ iceServers: cfg.iceServers, iceTransportPolicy: cfg.iceTransportPolicy || "all" });
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      pc.onicecandidate = (e) => { if (e.candidate) client.sendIceCandidate(e.candidate, viewerId); };
      const ready = (async () => {
        await pc.setRemoteDescription(offer);
        await pc.setLocalDescription(await pc.createAnswer());
        client.sendSdpAnswer(pc.localDescription, viewerId);
      })();
      peers.set(viewerId, { pc, ready });
    });
    client.on("iceCandidate", (candidate, viewerId) => {
      const peer = peers.get(viewerId);
      if (peer) peer.ready.then(() => peer.pc.addIceCandidate(candidate));
    });
    await opened(client);
    window.kvsMaster = { client, peers };
    return stream.getAudioTracks().length;
  },
  async viewer(cfg) {
    const pc = new RTCPeerConnection({ iceServers: cfg.iceServers, iceTransportPolicy: cfg.iceTransportPolicy || "all" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    const client = signaling(cfg, KVSWebRTC.Role.VIEWER);
    let answered;
    const answer = new Promise((resolve) => { answered = resolve; });
    client.on("sdpAnswer", (a) => { pc.setRemoteDescription(a).then(answered); });
    client.on("iceCandidate", (c) => { answer.then(() => pc.addIceCandidate(c)); });
    pc.onicecandidate = (e) => { if (e.candidate) client.sendIceCandidate(e.candidate); };
    pc.ontrack = (e) => {
      const audio = new Audio();
      audio.srcObject = e.streams[0] || new MediaStream([e.track]);
      audio.play().catch(() => {});
    };
    await opened(client);
    await pc.setLocalDescription(await pc.createOffer());
    client.sendSdpOffer(pc.localDescription);
    window.kvsViewer = { client, pc };
  },
  async viewerState() {
    const pc = window.kvsViewer.pc;
    let bytesReceived = 0;
    const stats = await pc.getStats();
    let pairId;
    stats.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") bytesReceived = s.bytesReceived;
      if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? stats.get(pairId) : undefined;
    const typeOf = (id) => (id && stats.get(id) ? stats.get(id).candidateType : undefined);
    // The candidate types of the pair carrying media: "relay" on both ends when TURN carries it.
    const selectedPair = pair ? { local: typeOf(pair.localCandidateId), remote: typeOf(pair.remoteCandidateId) } : undefined;
    return { connectionState: pc.connectionState, bytesReceived, selectedPair };
  },
};
</script></body></html>`;

/** Makes a KVS_CALL_PAGE page the viewer of a grant's channel (loopback: no ICE servers needed). */
export async function startKvsViewer(page: Page, grant: SignalingGrant): Promise<void> {
  await page.evaluate(
    (g) =>
      (window as unknown as { kvsCall: { viewer(c: unknown): Promise<void> } }).kvsCall.viewer({
        channelArn: g.channelArn,
        endpoint: g.channelEndpoint,
        region: g.region,
        clientId: g.clientId,
        signedUrl: g.signedUrl,
        iceServers: [],
      }),
    grant,
  );
}

/** Serves KVS_CALL_PAGE at `/` and the SDK bundle at `/kvs-sdk.js` on a loopback port. */
export async function serveKvsCallPage(): Promise<{ readonly url: string; close(): Promise<void> }> {
  const sdk = await kvsSignalingBundle();
  const server = createServer((req, res) => {
    if (req.url === "/kvs-sdk.js") res.writeHead(200, { "content-type": "text/javascript" }).end(sdk);
    else res.writeHead(200, { "content-type": "text/html" }).end(KVS_CALL_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
