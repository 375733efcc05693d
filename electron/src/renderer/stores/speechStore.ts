import type { SessionOwnerView } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import type { SpeechSettings } from "../../shared/settings.js";
import type { CaptureGraph } from "../audio/captureGraph.js";
import type { SpeechFrameDecoder } from "../speech/speechFrames.js";
import { SpeechPlayer } from "../speech/speechPlayer.js";
import type { LatencyStore } from "./latencyStore.js";
import type { NoticesStore } from "./noticesStore.js";
import type { SettingsStore } from "./settingsStore.js";

/**
 * The translated voices: one speech player (and so one track) per target language somebody
 * listens to, fed with the synthesized speech of each segment.
 */
export function createSpeechStore(deps: {
  notices: NoticesStore;
  settings: SettingsStore;
  latency: LatencyStore;
  capture: CaptureGraph;
  session: ReadonlySignal<SessionOwnerView | undefined>;
  onAir: () => boolean;
  /** A language got its track: viewers of it can be given the track now. */
  onTrackAdded: () => void;
  decodeSpeech?: SpeechFrameDecoder;
}) {
  const { notices, settings, latency, capture, session } = deps;
  const players = new Map<string, SpeechPlayer>();
  const languages = signal<readonly string[]>([]);

  const ensurePlayer = (language: string): SpeechPlayer | undefined => {
    if (!session.value?.targetLanguages.includes(language)) return undefined;
    let player = players.get(language);
    if (!player) {
      player = new SpeechPlayer(capture.context, language, capture.floor, settings.settings.value.speech, {
        onScheduled: (seq, _chunk, at) => latency.recordPlayed(seq, language, at),
        onDropped: (seq, backlog) =>
          notices.push({
            id: `speech-backlog-${language}`,
            level: "warning",
            text: `${language}: speech is ${Math.round(backlog)} s behind, segment ${seq} skipped. Speak with short pauses so the voice can catch up.`,
          }),
      });
      player.setSilenced(!deps.onAir());
      players.set(language, player);
      languages.value = [...players.keys()];
      deps.onTrackAdded();
    }
    return player;
  };

  return {
    /** Languages with a speech track. */
    languages,
    ensurePlayer,
    /** The track a viewer of `language` gets: the original, or that language's speech. */
    trackFor(language: string | undefined): MediaStreamTrack {
      const live = session.value;
      if (!language || !live || language === live.sourceLanguage || !live.targetLanguages.includes(language))
        return capture.originalTrack;
      return ensurePlayer(language)?.track ?? capture.originalTrack;
    },
    /** A binary speech frame from the server: decoded and queued on its language's player. */
    async acceptFrame(frame: ArrayBuffer): Promise<void> {
      if (!deps.decodeSpeech) return;
      const speech = await deps.decodeSpeech(frame, capture.context).catch(() => undefined);
      if (!speech || !deps.onAir()) return;
      ensurePlayer(speech.language)?.enqueue(speech);
    },
    /** Off air: queued speech is dropped and the tracks fall silent. */
    setOnAir(on: boolean): void {
      for (const p of players.values()) {
        if (!on) p.flush();
        p.setSilenced(!on);
      }
    },
    async updateSettings(patch: Partial<SpeechSettings>): Promise<void> {
      await settings.save({ speech: patch });
      for (const p of players.values()) p.updateSettings(settings.settings.value.speech);
    },
    close(): void {
      for (const p of players.values()) p.close();
      players.clear();
      languages.value = [];
    },
  };
}

export type SpeechStore = ReturnType<typeof createSpeechStore>;
