import type { ConfigDocument } from "@babelcast/protocol";
import { interpreterCaptionSource } from "../interpreter/captionSource.js";
import { createInterpreterCaptions } from "../interpreter/interpreterCaptions.js";
import { settingsSource } from "../platform/settingsSource.js";
import { consoleRecordingUploads } from "../session/recordingUploads.js";
import type { Synthesize } from "../speech/pollySynthesizer.js";
import type { SpeechFrameDecoder } from "../speech/speechFrames.js";
import { createAudioInputStore } from "../stores/audioInputStore.js";
import { createInterpretersStore } from "../stores/interpretersStore.js";
import { createLatencyStore } from "../stores/latencyStore.js";
import { createMediaStore } from "../stores/mediaStore.js";
import { createNoticesStore } from "../stores/noticesStore.js";
import { createPanelsStore } from "../stores/panelsStore.js";
import { createRecognitionStore, type StartRecognizer } from "../stores/recognitionStore.js";
import { createRecordingStore } from "../stores/recordingStore.js";
import { createReportStore } from "../stores/reportStore.js";
import { createSessionStore } from "../stores/sessionStore.js";
import { createSettingsStore } from "../stores/settingsStore.js";
import { type AwsAccess, createSignInStore } from "../stores/signInStore.js";
import { createSpeechStore } from "../stores/speechStore.js";

export interface ConsoleDeps {
  /** Starts speech recognition on the capture graph's tap; absent = no recognition (tests, unsupported). */
  startRecognizer?: StartRecognizer;
  decodeSpeech?: SpeechFrameDecoder;
  /** The session's speech synthesizer (Polly with the console's AWS credentials); absent = no speech of its own. */
  createSynthesizer?: (config: ConfigDocument, access: AwsAccess) => Synthesize;
}

/**
 * The console: creates each store and connects them, nothing more. Each store owns its
 * state and its I/O; components read the stores and call their actions.
 */
export function wireConsole(deps: ConsoleDeps = {}) {
  const notices = createNoticesStore();
  const panels = createPanelsStore();
  const settings = createSettingsStore(settingsSource(), notices);
  const latency = createLatencyStore();
  // The stores below refer to each other only through these late-bound calls.
  const onAir = () => session.onAir();

  const signIn = createSignInStore({
    notices,
    settings,
    events: {
      onSignInNeeded: () => session.showSignIn(),
      onSignedIn: (resumable) => session.showSetup(resumable),
    },
  });
  const audioInput = createAudioInputStore({ notices, settings, broadcasting: onAir });
  const session = createSessionStore({
    notices,
    settings,
    signIn,
    events: {
      onLive: (live) => {
        panels.qrOpen.value = live.status === "created";
        audioInput.setBroadcasting(onAir());
        const api = signIn.api;
        const config = signIn.config.value;
        if (api) void media.start(api, live);
        if (!config) return;
        const access = signIn.awsAccess();
        void recognition.start(live, config, audioInput.capture.recognitionStream, access);
        if (deps.createSynthesizer) {
          try {
            speech.startSynthesis(deps.createSynthesizer(config, access));
          } catch (err) {
            notices.push({ id: "speech", level: "error", text: `No translated voices: ${(err as Error).message}` });
          }
        }
      },
      onAirChanged: (on) => {
        audioInput.setBroadcasting(on);
        speech.setOnAir(on);
        if (!on) recognition.clearPartial();
      },
      onViewerLanguages: (byViewer) => {
        for (const language of new Set(Object.values(byViewer))) speech.ensurePlayer(language);
        media.setViewerLanguages(byViewer);
      },
      onChannelAdded: (grant) => media.addChannel(grant),
      onSourceChanged: (changed) => {
        // Audio viewers on the old source now get its translated voice, those on the new one the floor.
        media.refreshTracks();
        void recognition.followSource(changed);
      },
      onProgress: (m) => {
        latency.recordProgress(m);
        recognition.recordProgress(m);
        speech.acceptProgress(m);
      },
      onSpeechFrame: (frame) => void speech.acceptFrame(frame),
      onEnded: async () => {
        await recording.stop();
        await recognition.stop();
        await interpreterCaptions.stopAll();
        media.close();
        speech.close();
        interpreters.closeInvite();
        panels.qrOpen.value = false;
      },
    },
  });
  const recognition = createRecognitionStore({
    notices,
    sink: session,
    onLanguageIdentified: (language) => void session.changeSource(language),
    ...(deps.startRecognizer ? { startRecognizer: deps.startRecognizer } : {}),
  });
  const speech = createSpeechStore({
    notices,
    settings,
    latency,
    capture: audioInput.capture,
    session: session.session,
    onAir,
    onTrackAdded: () => {
      media.refreshTracks();
      recording.recordNewTracks();
    },
    // Counts include relays' listeners: a relay's track of every language is not a listener of each.
    heard: (language) => (session.counts.value.byLanguage[language] ?? 0) > 0,
    ...(deps.decodeSpeech ? { decodeSpeech: deps.decodeSpeech } : {}),
  });
  const media = createMediaStore({
    notices,
    trackFor: (language) => speech.trackFor(language),
    onInterpreter: (language, track, live) => {
      speech.setInterpreter(language, track, live);
      interpreterCaptions.setInterpreter(language, track, live);
    },
  });
  // The original's path changed (the input as is, or through the graph): every peer gets the new track.
  audioInput.capture.onBroadcastTrackChange = () => media.refreshTracks();
  const interpreterCaptions = createInterpreterCaptions({
    canRecognize: async (language) => {
      const api = signIn.api;
      const live = session.session.value;
      if (!deps.startRecognizer || !api || !live) return false;
      return interpreterCaptionSource(await api.languages(live.sourceLanguage), language).kind === "recognition";
    },
    startRecognition: async (language, track, onSegment) => {
      const config = signIn.config.value;
      if (!deps.startRecognizer || !config) throw new Error("recognition is not available in this console");
      return deps.startRecognizer({
        stream: new MediaStream([track]),
        config,
        sourceLanguage: language,
        ...signIn.awsAccess(),
        hasGlossary: false,
        // The session's numbering: interpreted and presenter segments share it (the server stores each seq once).
        clock: {
          nextSeq: () => (session.onAir() ? session.allocateSeq() : undefined),
          now: () => Date.now(),
          audioStartedAt: Date.now(),
        },
        onSegment,
        onCaption: () => undefined,
        onState: () => undefined,
        onWarning: (text) => notices.push({ id: `interpreter-captions-${language}`, level: "warning", text }),
      });
    },
    declare: (languages) => session.setInterpretedCaptions(languages),
    sendSegment: (segment) => session.sendSegment(segment),
    warn: (language, text) => notices.push({ id: `interpreter-captions-${language}`, level: "warning", text }),
  });
  const report = createReportStore({ notices, session: session.session, api: () => signIn.api });
  const recording = createRecordingStore({
    notices,
    session: session.session,
    tracks: () => speech.sentTracks(),
    ...(window.babelcast ? { bridge: window.babelcast } : {}),
    uploads: consoleRecordingUploads(() => signIn.api),
  });

  const interpreters = createInterpretersStore({ notices, api: () => signIn.api, session: session.session });

  return {
    notices,
    panels,
    interpreters,
    settings,
    signIn,
    audioInput,
    session,
    recognition,
    latency,
    speech,
    media,
    report,
    recording,
    /** Settings first (they name the device and the server), then the input and the server in parallel. */
    async boot(): Promise<void> {
      await settings.load();
      signIn.readTokenFromLocation();
      session.readHandOffFromLocation();
      void audioInput.open();
      await signIn.loadConfig();
    },
  };
}

export type ConsoleStores = ReturnType<typeof wireConsole>;
