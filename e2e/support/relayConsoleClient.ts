// Runs in a browser page (bundled by relayConsole.ts): the console's real media hub
// (electron/src/renderer/media) as KVS master of the console's channel, with one tone per
// language standing in for the original and the speech tracks, so a listener's language is
// its pitch.
import type { SignalingGrant } from "@babelcast/protocol";
import { MediaHub, type RelayInfo } from "../../electron/src/renderer/media/mediaHub.js";

interface RelayConsoleApi {
  start(grant: SignalingGrant, tones: Record<string, number>): Promise<void>;
  relays(): RelayInfo[];
  stop(): void;
}

declare global {
  interface Window {
    relayConsole: RelayConsoleApi;
  }
}

let hub: MediaHub | undefined;

window.relayConsole = {
  async start(grant, tones) {
    const audio = new AudioContext();
    await audio.resume();
    const tracks = new Map<string, MediaStreamTrack>();
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
  stop: () => hub?.close(),
};
