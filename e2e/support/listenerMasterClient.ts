// Runs in a browser page (bundled by listenerMaster.ts): a stand-in for the presenter's
// console as KVS master. It answers every viewer's offer with a tone track, the way the
// console answers with the track of the viewer's language.
import type { SignalingGrant } from "@babelcast/protocol";
import { Role, SignalingClient } from "amazon-kinesis-video-streams-webrtc";

export interface MasterStats {
  /** Offers received, per viewer client id: a reconnection shows as a second offer. */
  offers: Record<string, number>;
  connected: string[];
}

interface MasterApi {
  start(grants: SignalingGrant[], frequency: number): Promise<void>;
  /** Swaps every viewer's track for a tone of another pitch (the console's language swap). */
  retune(frequency: number): Promise<void>;
  /** Closes one viewer's peer connection (its network is gone); signaling stays up for its next offer. */
  dropPeer(viewerId: string): void;
  stop(): void;
  stats: MasterStats;
}

declare global {
  interface Window {
    babelcastMaster: MasterApi;
  }
}

const stats: MasterStats = { offers: {}, connected: [] };
const peers = new Map<string, RTCPeerConnection>();
const clients: SignalingClient[] = [];
let audio: AudioContext | undefined;
let track: MediaStreamTrack | undefined;

async function toneTrack(frequency: number): Promise<MediaStreamTrack> {
  audio ??= new AudioContext();
  await audio.resume();
  const osc = audio.createOscillator();
  osc.frequency.value = frequency;
  const out = audio.createMediaStreamDestination();
  osc.connect(out);
  osc.start();
  return out.stream.getAudioTracks()[0]!;
}

function serve(grant: SignalingGrant): Promise<void> {
  const signaling = new SignalingClient({
    channelARN: grant.channelArn,
    channelEndpoint: grant.channelEndpoint,
    region: grant.region,
    role: Role.MASTER,
    requestSigner: { getSignedURL: async () => grant.signedUrl },
  });
  clients.push(signaling);
  signaling.on("sdpOffer", async (offer: RTCSessionDescriptionInit, viewerId: string) => {
    stats.offers[viewerId] = (stats.offers[viewerId] ?? 0) + 1;
    peers.get(viewerId)?.close();
    const pc = new RTCPeerConnection({ iceServers: grant.iceServers });
    peers.set(viewerId, pc);
    pc.addTrack(track!, new MediaStream([track!]));
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) signaling.sendIceCandidate(candidate, viewerId);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") stats.connected.push(viewerId);
    };
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    signaling.sendSdpAnswer(pc.localDescription!, viewerId);
  });
  signaling.on("iceCandidate", (candidate: RTCIceCandidateInit, viewerId: string) => {
    peers
      .get(viewerId)
      ?.addIceCandidate(candidate)
      .catch(() => {});
  });
  return new Promise((resolve, reject) => {
    signaling.once("open", () => resolve());
    signaling.once("error", (e: unknown) => reject(new Error(`master signaling failed: ${e}`)));
    signaling.open();
  });
}

window.babelcastMaster = {
  stats,
  async start(grants, frequency) {
    track = await toneTrack(frequency);
    await Promise.all(grants.map(serve));
  },
  async retune(frequency) {
    const old = track;
    track = await toneTrack(frequency);
    for (const pc of peers.values()) for (const s of pc.getSenders()) await s.replaceTrack(track);
    old?.stop();
  },
  dropPeer(viewerId) {
    peers.get(viewerId)?.close();
    peers.delete(viewerId);
  },
  stop() {
    for (const c of clients) c.close();
    for (const pc of peers.values()) pc.close();
  },
};
