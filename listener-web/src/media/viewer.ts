import type { SignalingGrant } from "@babelcast/protocol";
// The SDK's modules, not its index: the index also brings the SigV4 signer and FIPS helpers.
import { Role } from "amazon-kinesis-video-streams-webrtc/lib/Role";
import { SignalingClient } from "amazon-kinesis-video-streams-webrtc/lib/SignalingClient";
import { stallWatch } from "./stallWatch.js";

export interface ViewerEvents {
  /** The presenter's track for this listener's language arrived. */
  onStream(stream: MediaStream): void;
  onConnected(): void;
  /**
   * The peer connection is gone (ICE failed, no answer, signaling lost before connecting, no
   * packets): the session offers again. No reason is passed: the session treats them all alike.
   */
  onFailed(): void;
}

export interface Viewer {
  close(): void;
}

/**
 * No answer this long after the offer: offer again (the channel may have no master yet, e.g.
 * a relay that died and whose channel a live relay takes over within about a second). A master
 * answers in about 0.1 s (docs/relays.md), so 3 s leaves room for a loaded phone while a retry,
 * with the session's backoff, comes soon. Once answered, connecting has no deadline here.
 */
const ANSWER_TIMEOUT_MS = 3000;
/**
 * Connected, but no audio packet for this long: the peer is gone (killed relay, console gone, Wi-Fi
 * dead), long before Chromium's own consent check says `disconnected` (about 6 s). Masters never
 * pause their packets: the console's pause and mute are silence in its audio graph and a relay
 * sends silence frames while its upstream is down, so a 1.5 s gap is not a quiet presenter.
 */
const STALL_MS = 1500;

/**
 * Connects to the presenter as a KVS WebRTC viewer with a backend-presigned URL: the
 * `requestSigner` returns it, so the page holds no AWS credentials.
 */
export function openViewer(grant: SignalingGrant, fallbackClientId: string, events: ViewerEvents): Viewer {
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  const pc = new RTCPeerConnection({ iceServers: grant.iceServers });
  pc.addTransceiver("audio", { direction: "recvonly" });
  const signaling = new SignalingClient({
    channelARN: grant.channelArn,
    channelEndpoint: grant.channelEndpoint,
    region: grant.region,
    role: Role.VIEWER,
    clientId: grant.clientId ?? fallbackClientId,
    requestSigner: { getSignedURL: async () => grant.signedUrl },
  });

  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    clearInterval(watchdog);
    signaling.removeAllListeners();
    signaling.close();
    pc.close();
  };
  const fail = () => {
    if (closed) return;
    close();
    events.onFailed();
  };

  signaling.on("open", async () => {
    timer = setTimeout(fail, ANSWER_TIMEOUT_MS);
    try {
      await pc.setLocalDescription(await pc.createOffer());
      signaling.sendSdpOffer(pc.localDescription!);
    } catch {
      fail();
    }
  });
  signaling.on("sdpAnswer", (answer: RTCSessionDescriptionInit) => {
    // A master answered: ICE and DTLS may take longer than the answer did on a slow network (TURN
    // on a phone), so the 3 s no longer applies; ICE reports "failed" itself if no path works.
    clearTimeout(timer);
    pc.setRemoteDescription(answer).catch(fail);
  });
  signaling.on("iceCandidate", (candidate: RTCIceCandidateInit) => {
    pc.addIceCandidate(candidate).catch(() => {
      // A candidate the browser cannot use is not fatal; ICE tries the others.
    });
  });
  // Once media flows the signaling socket is no longer needed; before that its loss is fatal.
  const signalingLost = () => {
    if (pc.connectionState !== "connected") fail();
  };
  signaling.on("close", signalingLost);
  signaling.on("error", signalingLost);

  pc.onicecandidate = ({ candidate }) => {
    if (!candidate) return;
    try {
      signaling.sendIceCandidate(candidate);
    } catch {
      // Signaling already closed: the candidates sent so far may still be enough.
    }
  };
  pc.ontrack = (e) => events.onStream(e.streams[0] ?? new MediaStream([e.track]));
  pc.onconnectionstatechange = () => {
    const state = pc.connectionState;
    if (state === "connected") {
      clearTimeout(timer);
      // Sampled twice a second; a page playing audio is not throttled in the background.
      const stalled = stallWatch(STALL_MS);
      watchdog ??= setInterval(async () => {
        let packets = 0;
        for (const s of (await pc.getStats()).values()) if (s.type === "inbound-rtp") packets += s.packetsReceived;
        if (stalled(packets, performance.now())) fail();
      }, 500);
      events.onConnected();
    } else if (state === "failed") fail();
    // No branch for "disconnected": Chromium says it once nothing (RTP or STUN) came for about 5 s,
    // and the stall watchdog has failed the viewer after 1.5 s of that.
  };

  signaling.open();
  return { close };
}
