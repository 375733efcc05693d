import type { SignalingGrant } from "@babelcast/protocol";
// The SDK's modules, not its index: the index also brings the SigV4 signer and FIPS helpers.
import { Role } from "amazon-kinesis-video-streams-webrtc/lib/Role";
import { SignalingClient } from "amazon-kinesis-video-streams-webrtc/lib/SignalingClient";

export interface ViewerEvents {
  /** The presenter's track for this listener's language arrived. */
  onStream(stream: MediaStream): void;
  onConnected(): void;
  /** The peer connection is gone (ICE failed, no answer, signaling lost before connecting). */
  onFailed(reason: string): void;
}

export interface Viewer {
  close(): void;
}

/** No answer from the presenter's console within this: retry (it may not be connected yet). */
const ANSWER_TIMEOUT_MS = 8000;
/** ICE "disconnected" that lasts this long is treated as failed. */
const DISCONNECTED_GRACE_MS = 2500;

/**
 * Connects to the presenter as a KVS WebRTC viewer with a backend-presigned URL: the
 * `requestSigner` returns it, so the page holds no AWS credentials.
 */
export function openViewer(grant: SignalingGrant, fallbackClientId: string, events: ViewerEvents): Viewer {
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
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

  const arm = (ms: number, reason: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(reason), ms);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    signaling.removeAllListeners();
    signaling.close();
    pc.close();
  };
  const fail = (reason: string) => {
    if (closed) return;
    close();
    events.onFailed(reason);
  };

  signaling.on("open", async () => {
    arm(ANSWER_TIMEOUT_MS, "no answer from the presenter");
    try {
      await pc.setLocalDescription(await pc.createOffer());
      signaling.sendSdpOffer(pc.localDescription!);
    } catch (err) {
      fail(`offer failed: ${err}`);
    }
  });
  signaling.on("sdpAnswer", (answer: RTCSessionDescriptionInit) => {
    pc.setRemoteDescription(answer).catch((err) => fail(`answer rejected: ${err}`));
  });
  signaling.on("iceCandidate", (candidate: RTCIceCandidateInit) => {
    pc.addIceCandidate(candidate).catch(() => {
      // A candidate the browser cannot use is not fatal; ICE tries the others.
    });
  });
  // Once media flows the signaling socket is no longer needed; before that its loss is fatal.
  const signalingLost = () => {
    if (pc.connectionState !== "connected") fail("signaling connection lost");
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
      events.onConnected();
    } else if (state === "failed") fail("ICE failed");
    else if (state === "disconnected") arm(DISCONNECTED_GRACE_MS, "ICE disconnected");
  };

  signaling.open();
  return { close };
}
