// Runs in a browser page (bundled by relayConsole.ts): the console's real media hub
// (electron/src/renderer/media) as KVS master of the console's channel, with one tone per
// language standing in for the original and the speech tracks, so a listener's language is
// its pitch.
import type { SignalingGrant } from "@babelcast/protocol";
import { languageOfRelayMid } from "@babelcast/protocol/relay";
import { MediaHub, type RelayInfo } from "../../electron/src/renderer/media/mediaHub.js";

interface RelayConsoleApi {
  /** `micLanguage`: that language's track is the (fake) microphone instead of a tone (glass-to-glass benches). */
  start(grant: SignalingGrant, tones: Record<string, number>, micLanguage?: string): Promise<void>;
  relays(): RelayInfo[];
  /** RTP packets sent so far per language, the most any one relay peer was sent (what a relay's listener could get), and when (epoch ms). */
  sentPackets(): Promise<{ at: number; packets: Record<string, number> }>;
  stop(): void;
}

declare global {
  interface Window {
    relayConsole: RelayConsoleApi;
  }
}

let hub: MediaHub | undefined;
/** Every peer connection the hub makes: the hub keeps them private, the benches read their send counters. */
const peerConnections: RTCPeerConnection[] = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    peerConnections.push(this);
  }
};

window.relayConsole = {
  async start(grant, tones, micLanguage) {
    const audio = new AudioContext();
    await audio.resume();
    const tracks = new Map<string, MediaStreamTrack>();
    if (micLanguage) {
      const mic = (await navigator.mediaDevices.getUserMedia({ audio: true })).getAudioTracks()[0];
      if (mic) tracks.set(micLanguage, mic);
    }
    for (const [language, frequency] of Object.entries(tones)) {
      const osc = audio.createOscillator();
      osc.frequency.value = frequency;
      const out = audio.createMediaStreamDestination();
      osc.connect(out);
      osc.start();
      const track = out.stream.getAudioTracks()[0];
      if (track) tracks.set(language, track);
    }
    const fallback = [...tracks.values()][0];
    if (!fallback) throw new Error("no tone");
    hub = new MediaHub({
      trackFor: (language) => (language && tracks.get(language)) || fallback,
      refreshGrant: async () => undefined,
      onChange: () => {},
      // No interpreters in the relay tests: their microphones never replace a tone.
      onInterpreter: () => {},
    });
    hub.addChannel(grant);
  },
  relays: () => hub?.relayPeers() ?? [],
  async sentPackets() {
    const most: Record<string, number> = {};
    for (const pc of peerConnections) {
      if (pc.connectionState !== "connected") continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        const language = languageOfRelayMid(typeof s.mid === "string" ? s.mid : undefined);
        if (s.type !== "outbound-rtp" || !language) return;
        most[language] = Math.max(most[language] ?? 0, Number(s.packetsSent ?? 0));
      });
    }
    return { at: Date.now(), packets: most };
  },
  stop: () => hub?.close(),
};
