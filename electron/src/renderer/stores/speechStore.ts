import { decodeSpeechFrame, type SegmentProgressMessage, type SessionOwnerView } from "@babelcast/protocol";
import { type ReadonlySignal, signal } from "@preact/signals";
import type { SpeechSettings } from "../../shared/settings.js";
import type { CaptureGraph } from "../audio/captureGraph.js";
import { LagController } from "../speech/lagController.js";
import { type Synthesize, voiceFor } from "../speech/pollySynthesizer.js";
import { SegmentSpeech } from "../speech/segmentSpeech.js";
import type { SpeechFrameDecoder } from "../speech/speechFrames.js";
import { SpeechPlayer } from "../speech/speechPlayer.js";
import type { LatencyStore } from "./latencyStore.js";
import type { NoticesStore } from "./noticesStore.js";
import type { SettingsStore } from "./settingsStore.js";

/**
 * The translated voices: one speech player (and so one track) per target language somebody
 * listens to. The console speaks each translation itself (Polly, at the rate its lag
 * controller picks), so speech never travels through API Gateway frames; speech frames from
 * a server that still synthesizes are played too, and a segment is never spoken twice.
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
  /**
   * Whether somebody listens to `language` now (the backend's listener counts, which include a
   * relay's listeners). A relay asks for every language's track, so having a track no longer
   * means being heard; absent: every language with a track is spoken.
   */
  heard?: (language: string) => boolean;
  decodeSpeech?: SpeechFrameDecoder;
}) {
  const { notices, settings, latency, capture, session } = deps;
  const players = new Map<string, SpeechPlayer>();
  const languages = signal<readonly string[]>([]);
  /** Languages an interpreter speaks right now (the rest get machine speech). */
  const interpreted = signal<readonly string[]>([]);
  const syncInterpreted = () => {
    interpreted.value = [...players.values()].filter((p) => p.interpreterTrack).map((p) => p.language);
  };
  let speech: SegmentSpeech | undefined;

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
    interpreted: interpreted as ReadonlySignal<readonly string[]>,
    /**
     * An interpreter's microphone arrived (`live`) or stopped for `language`: it replaces
     * machine speech on the language's track, and machine speech comes back when it stops.
     */
    setInterpreter(language: string, track: MediaStreamTrack, live: boolean): void {
      const player = live ? ensurePlayer(language) : players.get(language);
      if (!player) return;
      if (live) player.setInterpreter(track);
      // Only the interpreter that is on the track can take itself off (a newer one may have replaced it).
      else if (player.interpreterTrack === track) player.setInterpreter(undefined);
      syncInterpreted();
    },
    ensurePlayer,
    /** The track a viewer of `language` gets: the original (the input as is when the graph would not change it), or that language's speech. */
    trackFor(language: string | undefined): MediaStreamTrack {
      const live = session.value;
      if (!language || !live || language === live.sourceLanguage || !live.targetLanguages.includes(language))
        return capture.broadcastTrack;
      return ensurePlayer(language)?.track ?? capture.broadcastTrack;
    },
    /** Every track the console sends: the original in the source language, and each language's speech. */
    sentTracks(): [language: string, track: MediaStreamTrack][] {
      const live = session.value;
      if (!live) return [];
      return [
        [live.sourceLanguage, capture.originalTrack],
        ...[...players].map(([l, p]): [string, MediaStreamTrack] => [l, p.track]),
      ];
    },
    /** From now on translations are spoken with `synthesize` (one lag controller per session). */
    startSynthesis(synthesize: Synthesize): void {
      speech = new SegmentSpeech(synthesize, new LagController(), {
        play: (segmentSeq, language, samples, sampleRate) => {
          if (deps.onAir()) players.get(language)?.enqueue({ segmentSeq, samples, sampleRate });
        },
        onSynthesized: (segmentSeq, language, at) => latency.recordSynthesized(segmentSeq, language, at),
        onFailed: (segmentSeq, language, message) =>
          notices.push({
            id: `speech-failed-${language}`,
            level: "warning",
            text: `${language}: segment ${segmentSeq} has captions but no voice (speech synthesis failed: ${message}).`,
          }),
      });
    },
    /** A translation arrived: spoken when a listener of its language is on the audio and the console is on air. */
    acceptProgress(m: SegmentProgressMessage): void {
      const live = session.value;
      if (!speech || m.text === undefined || !live || !deps.onAir()) return;
      if (m.language === live.sourceLanguage || !players.has(m.language)) return;
      // Synthesis is paid per language: only for languages somebody hears.
      if (deps.heard && !deps.heard(m.language)) return;
      const voice = voiceFor(live, m.language);
      if (!voice) return;
      speech.speak({
        segmentSeq: m.segmentSeq,
        language: m.language,
        text: m.text,
        voice,
        sourceEndMs: m.source.spokenEndAt ?? m.source.committedAt,
      });
    },
    /**
     * A binary speech frame from a server that still synthesizes: decoded and queued on its
     * language's player. Claimed at once, before decoding, as its segment-progress follows it.
     */
    async acceptFrame(frame: ArrayBuffer): Promise<void> {
      if (!deps.decodeSpeech) return;
      try {
        const header = decodeSpeechFrame(new Uint8Array(frame));
        if (speech && !speech.spokenByServer(header.segmentSeq, header.language)) return;
      } catch {
        return;
      }
      const decoded = await deps.decodeSpeech(frame, capture.context).catch(() => undefined);
      if (!decoded || !deps.onAir()) return;
      ensurePlayer(decoded.language)?.enqueue(decoded);
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
      speech = undefined;
      for (const p of players.values()) p.close();
      players.clear();
      languages.value = [];
      interpreted.value = [];
    },
  };
}

export type SpeechStore = ReturnType<typeof createSpeechStore>;
