import {
  ChannelAddedMessage,
  ConfigDocument,
  type CreateSessionRequest,
  ErrorMessage,
  ListenerCountsMessage,
  type RecognizedSegment,
  SegmentProgressMessage,
  type SessionOwnerView,
  SessionStatusMessage,
  type TranscriptFormat,
} from "@babelcast/protocol";
import { batch } from "@preact/signals";
import type { AudioSettings, ConsoleSettings, SettingsPatch, SpeechSettings } from "../../shared/settings.js";
import { CaptureGraph } from "../audio/captureGraph.js";
import { describeCaptureError, listInputDevices } from "../audio/devices.js";
import { measureBlock, nextMeterState, SILENT_METER } from "../audio/levelMeter.js";
import type { CognitoSignedIn } from "../auth/cognitoSignIn.js";
import { fragmentWithoutToken, tokenFromFragment } from "../auth/ownerToken.js";
import { stageDurations, totalMs, upsertRow } from "../live/latency.js";
import { addSegment, addTranslation } from "../live/transcriptLog.js";
import { MediaHub } from "../media/mediaHub.js";
import { settingsSource } from "../platform/settingsSource.js";
import { ConsoleApi, ConsoleApiError, sessionToReopen } from "../session/consoleApi.js";
import { ControlSocket } from "../session/controlSocket.js";
import type { SpeechFrameDecoder } from "../speech/speechFrames.js";
import { SpeechPlayer } from "../speech/speechPlayer.js";
import { clearNotice, createConsoleStore, pushNotice } from "../state/consoleStore.js";
import type { RecognizerHandle, RecognizerOptions } from "./recognizerLink.js";

const TOKEN_KEY = "babelcast.console.ownerToken";
const METER_INTERVAL_MS = 50;
const STATS_INTERVAL_MS = 2000;

export interface ControllerDeps {
  /** Starts speech recognition on the capture graph's tap; absent = no recognition (tests, unsupported). */
  startRecognizer?: (options: RecognizerOptions) => Promise<RecognizerHandle>;
  decodeSpeech?: SpeechFrameDecoder;
}

/**
 * Runs the console: sign-in, audio input, the session, the media hub, the control socket,
 * the recognizer and the speech players; writes what the UI shows into the store.
 */
export class ConsoleController {
  readonly store = createConsoleStore();
  private readonly settingsSrc = settingsSource();
  private token?: string;
  private cloud?: CognitoSignedIn;
  private api?: ConsoleApi;
  capture?: CaptureGraph;
  hub?: MediaHub;
  private socket?: ControlSocket;
  private recognizer?: RecognizerHandle;
  private readonly players = new Map<string, SpeechPlayer>();
  private playedAt = new Map<string, number>();
  private progress = new Map<string, SegmentProgressMessage>();
  private meterTimer?: ReturnType<typeof setInterval>;
  private statsTimer?: ReturnType<typeof setInterval>;
  private nextSeq = 0;
  private recognitionStartedAt = 0;

  constructor(private readonly deps: ControllerDeps = {}) {}

  // ---- start-up --------------------------------------------------------------------

  async boot(): Promise<void> {
    const s = this.store;
    s.settings.value = await this.settingsSrc.load().catch(() => s.settings.value);
    const fromFragment = tokenFromFragment(location.hash);
    if (fromFragment) {
      sessionStorage.setItem(TOKEN_KEY, fromFragment);
      history.replaceState(null, "", `${location.pathname}${location.search}${fragmentWithoutToken(location.hash)}`);
    }
    this.token = fromFragment ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    void this.initAudio();
    await this.loadConfig();
  }

  /** The config document: beside the page (embedded server), or the configured cloud URL. */
  private configUrl(): string {
    const fromQuery = new URLSearchParams(location.search).get("config");
    if (fromQuery) return fromQuery;
    if (location.protocol === "http:" || location.protocol === "https:")
      return new URL("/config.json", location.href).toString();
    return this.store.settings.value.configUrl;
  }

  async loadConfig(): Promise<void> {
    const s = this.store;
    const url = this.configUrl();
    if (!url) {
      s.phase.value = "sign-in";
      pushNotice(s, {
        id: "config",
        level: "warning",
        text: "Enter the address of your Babelcast deployment in Settings.",
      });
      return;
    }
    try {
      const res = await fetch(url, { cache: "no-store" });
      s.config.value = ConfigDocument.parse(await res.json());
      clearNotice(s, "config");
    } catch {
      pushNotice(s, {
        id: "config",
        level: "error",
        text: `Cannot reach the Babelcast server (${url}). Check that it is running (npm start), then retry.`,
        action: { label: "Retry", run: () => void this.loadConfig() },
      });
      return;
    }
    if (s.config.value.auth.kind === "owner-token" && this.token) await this.signedIn();
    else s.phase.value = "sign-in";
  }

  /** Embedded sign-in: the owner token (pasted, when the page was opened without it). */
  async signInWithToken(token: string): Promise<void> {
    this.token = token.trim();
    sessionStorage.setItem(TOKEN_KEY, this.token);
    await this.signedIn();
  }

  /** Cloud sign-in: the Cognito user pool ID token is the API's bearer; identity pool credentials feed Transcribe. */
  async signInWithCognito(signed: CognitoSignedIn): Promise<void> {
    this.cloud = signed;
    this.token = await signed.idToken();
    await this.signedIn();
  }

  /** The bearer for the next request (a Cognito token is refreshed when close to expiry). */
  private async bearer(): Promise<string> {
    if (this.cloud) this.token = await this.cloud.idToken();
    return this.token ?? "";
  }

  private async signedIn(): Promise<void> {
    const s = this.store;
    const config = s.config.value;
    if (!config || !this.token) return;
    this.api = new ConsoleApi(config, () => this.bearer());
    try {
      s.resumable.value = sessionToReopen(await this.api.listSessions());
      clearNotice(s, "api");
      s.phase.value = "setup";
    } catch (err) {
      const unauthorized = err instanceof ConsoleApiError && (err.status === 401 || err.status === 403);
      if (unauthorized) {
        sessionStorage.removeItem(TOKEN_KEY);
        this.token = undefined;
        s.phase.value = "sign-in";
      }
      pushNotice(s, {
        id: "api",
        level: "error",
        text: (err as Error).message,
        ...(unauthorized ? {} : { action: { label: "Retry", run: () => void this.signedIn() } }),
      });
    }
  }

  // ---- audio input -----------------------------------------------------------------

  async initAudio(): Promise<void> {
    const s = this.store;
    this.capture ??= new CaptureGraph();
    try {
      await this.capture.open(s.settings.value.audio);
      this.afterDeviceOpened();
      clearNotice(s, "audio");
    } catch (err) {
      s.audioReady.value = false;
      pushNotice(s, {
        id: "audio",
        level: "error",
        text: describeCaptureError(err),
        action: { label: "Retry", run: () => void this.initAudio() },
      });
      return;
    }
    await this.refreshDevices();
    navigator.mediaDevices.addEventListener("devicechange", () => void this.onDeviceChange());
    this.startMeter();
  }

  private afterDeviceOpened(): void {
    const capture = this.capture!;
    batch(() => {
      this.store.audioReady.value = true;
      this.store.channelCount.value = capture.channelCount;
    });
    capture.setBroadcasting(this.broadcasting());
    const track = capture.deviceTrack;
    track?.addEventListener("ended", () => {
      if (capture.deviceTrack === track) void this.fallBackToDefault(track.label);
    });
  }

  private async refreshDevices(): Promise<void> {
    try {
      this.store.devices.value = await listInputDevices();
    } catch {
      // The list stays as it was; the open device keeps working.
    }
  }

  private async onDeviceChange(): Promise<void> {
    await this.refreshDevices();
    const wanted = this.store.settings.value.audio.deviceId;
    if (wanted && !this.store.devices.value.some((d) => d.deviceId === wanted)) await this.fallBackToDefault(wanted);
  }

  /** The input vanished mid-talk: carry on with the system default and say so. */
  private async fallBackToDefault(lost: string): Promise<void> {
    const s = this.store;
    const capture = this.capture;
    if (!capture) return;
    const lostName = s.devices.value.find((d) => d.deviceId === lost)?.label || lost || "The audio input";
    try {
      await capture.open({ ...s.settings.value.audio, deviceId: "" });
      this.afterDeviceOpened();
      await this.refreshDevices();
      pushNotice(s, {
        id: "device-lost",
        level: "warning",
        text: `${lostName} was disconnected. Now using the system default input: check the cable, then pick the interface again under Audio input.`,
      });
    } catch (err) {
      s.audioReady.value = false;
      pushNotice(s, {
        id: "device-lost",
        level: "error",
        text: `${lostName} was disconnected and no other input works: ${describeCaptureError(err)}`,
        action: { label: "Retry", run: () => void this.initAudio() },
      });
    }
  }

  private startMeter(): void {
    clearInterval(this.meterTimer);
    this.meterTimer = setInterval(() => {
      const capture = this.capture;
      if (!capture || !this.store.audioReady.value) return;
      const now = performance.now();
      const prev = this.store.meters.value;
      this.store.meters.value = capture
        .readChannels()
        .map((block, i) => nextMeterState(prev[i] ?? SILENT_METER, measureBlock(block), now));
    }, METER_INTERVAL_MS);
  }

  async updateAudio(patch: Partial<AudioSettings>): Promise<void> {
    const before = this.store.settings.value.audio;
    await this.saveSettings({ audio: patch });
    const after = this.store.settings.value.audio;
    const capture = this.capture;
    if (!capture) return;
    const reopen =
      after.deviceId !== before.deviceId ||
      after.echoCancellation !== before.echoCancellation ||
      after.noiseSuppression !== before.noiseSuppression ||
      after.autoGainControl !== before.autoGainControl;
    if (reopen) {
      try {
        await capture.open(after);
        this.afterDeviceOpened();
        clearNotice(this.store, "audio");
        clearNotice(this.store, "device-lost");
      } catch (err) {
        pushNotice(this.store, { id: "audio", level: "error", text: describeCaptureError(err) });
      }
      return;
    }
    if (after.channel !== before.channel) capture.selectChannels(after.channel);
    if (after.gainDb !== before.gainDb) capture.setGainDb(after.gainDb);
    if (after.monitor !== before.monitor) capture.setMonitor(after.monitor);
  }

  async updateSpeech(patch: Partial<SpeechSettings>): Promise<void> {
    await this.saveSettings({ speech: patch });
    for (const p of this.players.values()) p.updateSettings(this.store.settings.value.speech);
  }

  async saveSettings(patch: SettingsPatch): Promise<ConsoleSettings> {
    try {
      this.store.settings.value = await this.settingsSrc.save(patch);
    } catch (err) {
      pushNotice(this.store, {
        id: "settings",
        level: "warning",
        text: `Settings not saved: ${(err as Error).message}`,
      });
    }
    return this.store.settings.value;
  }

  // ---- session ---------------------------------------------------------------------

  async createSession(request: CreateSessionRequest): Promise<void> {
    if (!this.api) return;
    const session = await this.api.createSession(request);
    void this.saveSettings({
      lastSession: {
        sourceLanguage: request.sourceLanguage,
        targetLanguages: request.targetLanguages,
        audioCapacity: request.audioCapacity,
      },
    });
    this.nextSeq = 0;
    await this.goLive(session);
  }

  /** Reopens a running session after a restart: same id, same listeners, fresh master grants. */
  async reopen(session: SessionOwnerView): Promise<void> {
    // Segment numbers must keep rising across restarts: start above anything sent before.
    this.nextSeq = Math.max(0, Math.floor((Date.now() - session.createdAt) / 100));
    await this.goLive(session);
  }

  private async goLive(session: SessionOwnerView): Promise<void> {
    const s = this.store;
    const api = this.api!;
    const config = s.config.value!;
    batch(() => {
      s.session.value = session;
      s.paused.value = session.status === "paused";
      s.muted.value = session.muted;
      s.startedAt.value = Date.now();
      s.phase.value = "live";
      s.qrOpen.value = session.status === "created";
    });
    this.capture ??= new CaptureGraph();
    this.capture.setBroadcasting(this.broadcasting());

    this.hub = new MediaHub({
      trackFor: (language) => this.trackFor(language),
      refreshGrant: async (arn) => (await api.channels(session.id)).find((g) => g.channelArn === arn),
      onChange: () => this.syncHub(),
    });
    this.socket = new ControlSocket(
      async () =>
        `${config.webSocketUrl}?role=console&sessionId=${encodeURIComponent(session.id)}&token=${encodeURIComponent(await this.bearer())}`,
      {
        onJson: (m) => this.onServerMessage(m),
        onBinary: (frame) => void this.acceptSpeechFrame(frame),
        onState: (state) => {
          s.socketState.value = state;
          // After a reconnect: ask for the current counts (and so every viewer's language).
          if (state === "open") this.socket?.send({ action: "hello" });
          if (state === "reconnecting")
            pushNotice(s, { id: "socket", level: "warning", text: "Lost the connection to the server: reconnecting…" });
          else if (state === "open") clearNotice(s, "socket");
        },
      },
    );
    void this.socket.connect();
    this.sendStatus();
    try {
      for (const grant of await api.channels(session.id)) this.hub.addChannel(grant);
    } catch (err) {
      pushNotice(s, {
        id: "channels",
        level: "error",
        text: `Listeners cannot hear you yet: ${(err as Error).message}`,
        action: { label: "Retry", run: () => void this.retryChannels() },
      });
    }
    this.statsTimer = setInterval(() => void this.hub?.sampleStats(), STATS_INTERVAL_MS);
    void this.startRecognition();
  }

  private async retryChannels(): Promise<void> {
    const session = this.store.session.value;
    if (!session || !this.api || !this.hub) return;
    try {
      for (const grant of await this.api.channels(session.id)) this.hub.addChannel(grant);
      clearNotice(this.store, "channels");
    } catch (err) {
      pushNotice(this.store, { id: "channels", level: "error", text: (err as Error).message });
    }
  }

  private async startRecognition(): Promise<void> {
    const s = this.store;
    const session = s.session.value;
    const config = s.config.value;
    if (!this.deps.startRecognizer || !session || !config || !this.capture) return;
    try {
      s.recognizerState.value = "starting";
      this.recognitionStartedAt = Date.now();
      this.recognizer = await this.deps.startRecognizer({
        stream: this.capture.recognitionStream,
        config,
        sourceLanguage: session.sourceLanguage,
        sessionId: session.id,
        glossaryTerms: session.glossary.map((g) => g.source),
        ownerToken: this.cloud ? undefined : this.token,
        credentials: this.cloud?.credentials,
        onSegment: (segment) => this.onSegment(segment),
        onCaption: (text) => this.onCaption(text),
        onState: (state) => {
          s.recognizerState.value = state;
        },
        onWarning: (text) => pushNotice(s, { id: "recognizer-vocabulary", level: "warning", text }),
      });
      clearNotice(s, "recognizer");
    } catch (err) {
      s.recognizerState.value = "stopped";
      pushNotice(s, {
        id: "recognizer",
        level: "error",
        text: `Speech recognition did not start: ${(err as Error).message}`,
        action: { label: "Retry", run: () => void this.startRecognition() },
      });
    }
  }

  /** A committed segment from the recognizer → the server (translation, captions, speech). */
  onSegment(segment: Pick<RecognizedSegment, "text" | "startTime" | "endTime">): void {
    const s = this.store;
    if (!this.socket || s.paused.value || s.muted.value) return;
    const seq = this.nextSeq++;
    const now = Date.now();
    const spokenEndAt = Math.min(now, Math.round(this.recognitionStartedAt + segment.endTime * 1000));
    this.socket.send({
      action: "segment",
      seq,
      text: segment.text,
      startTime: segment.startTime,
      endTime: segment.endTime,
      stages: { spokenEndAt, committedAt: now, sentAt: Date.now() },
    });
    batch(() => {
      s.segments.value = addSegment(s.segments.value, seq, segment.text);
      s.sourceCharacters.value += segment.text.length;
      s.partial.value = "";
    });
  }

  onCaption(text: string): void {
    if (this.store.paused.value || this.store.muted.value) return;
    this.store.partial.value = text;
    this.socket?.send({ action: "partial", text: text.slice(0, 3000) });
  }

  private onServerMessage(raw: unknown): void {
    const s = this.store;
    const type = (raw as { type?: unknown })?.type;
    switch (type) {
      case "listener-counts": {
        const m = ListenerCountsMessage.safeParse(raw);
        if (!m.success) return;
        s.counts.value = m.data;
        const byViewer = m.data.byViewer;
        if (byViewer) {
          for (const language of new Set(Object.values(byViewer))) this.ensurePlayer(language);
          this.hub?.setViewerLanguages(byViewer);
        }
        return;
      }
      case "channel-added": {
        const m = ChannelAddedMessage.safeParse(raw);
        if (m.success) this.hub?.addChannel(m.data.signaling);
        return;
      }
      case "segment-progress": {
        const m = SegmentProgressMessage.safeParse(raw);
        if (m.success) this.onProgress(m.data);
        return;
      }
      case "session-status": {
        const m = SessionStatusMessage.safeParse(raw);
        if (!m.success) return;
        if (m.data.status === "ended") void this.shutDown("ended");
        return;
      }
      case "error": {
        const m = ErrorMessage.safeParse(raw);
        if (m.success) pushNotice(s, { id: `server-${m.data.code}`, level: "warning", text: m.data.message });
        return;
      }
      default:
        return;
    }
  }

  private onProgress(m: SegmentProgressMessage): void {
    const s = this.store;
    this.socket?.acknowledge(m.segmentSeq);
    const key = `${m.segmentSeq}:${m.language}`;
    this.progress.set(key, m);
    if (this.progress.size > 200) this.progress.delete(this.progress.keys().next().value as string);
    const durations = stageDurations({ source: m.source, stages: m.stages, playedAt: this.playedAt.get(key) });
    batch(() => {
      s.latency.value = upsertRow(s.latency.value, {
        key,
        segmentSeq: m.segmentSeq,
        language: m.language,
        durations,
        totalMs: totalMs(durations),
        ...(m.error ? { error: m.error } : {}),
      });
      if (m.text !== undefined || m.error !== undefined)
        s.segments.value = addTranslation(s.segments.value, m.segmentSeq, m.language, m.text, m.error);
    });
  }

  // ---- speech and tracks -----------------------------------------------------------

  /** The track a viewer of `language` gets. */
  private trackFor(language: string | undefined): MediaStreamTrack {
    const session = this.store.session.value;
    const capture = this.capture!;
    if (!language || !session || language === session.sourceLanguage || !session.targetLanguages.includes(language))
      return capture.originalTrack;
    return this.ensurePlayer(language)?.track ?? capture.originalTrack;
  }

  private ensurePlayer(language: string): SpeechPlayer | undefined {
    const session = this.store.session.value;
    if (!session || !this.capture || !session.targetLanguages.includes(language)) return undefined;
    let player = this.players.get(language);
    if (!player) {
      player = new SpeechPlayer(this.capture.context, language, this.capture.floor, this.store.settings.value.speech, {
        onScheduled: (seq, _chunk, at) => this.onPlayed(`${seq}:${language}`, at),
        onDropped: (seq, backlog) =>
          pushNotice(this.store, {
            id: `speech-backlog-${language}`,
            level: "warning",
            text: `${language}: speech is ${Math.round(backlog)} s behind, segment ${seq} skipped. Speak with short pauses so the voice can catch up.`,
          }),
      });
      player.setSilenced(!this.broadcasting());
      this.players.set(language, player);
      this.hub?.refreshTracks();
    }
    return player;
  }

  private onPlayed(key: string, at: number): void {
    if (this.playedAt.has(key)) return;
    this.playedAt.set(key, at);
    if (this.playedAt.size > 400) this.playedAt.delete(this.playedAt.keys().next().value as string);
    const m = this.progress.get(key);
    if (m) this.onProgress(m);
  }

  /** A binary speech frame from the server: decoded and queued on its language's player. */
  async acceptSpeechFrame(frame: ArrayBuffer): Promise<void> {
    if (!this.deps.decodeSpeech || !this.capture) return;
    const speech = await this.deps.decodeSpeech(frame, this.capture.context).catch(() => undefined);
    if (!speech || !this.broadcasting()) return;
    this.ensurePlayer(speech.language)?.enqueue(speech);
  }

  // ---- controls --------------------------------------------------------------------

  private broadcasting(): boolean {
    return !this.store.paused.value && !this.store.muted.value;
  }

  private applyBroadcasting(): void {
    const on = this.broadcasting();
    this.capture?.setBroadcasting(on);
    for (const p of this.players.values()) {
      if (!on) p.flush();
      p.setSilenced(!on);
    }
    if (!on) this.store.partial.value = "";
    this.sendStatus();
  }

  private sendStatus(): void {
    const s = this.store;
    this.socket?.send({ action: "status", status: s.paused.value ? "paused" : "live", muted: s.muted.value });
  }

  togglePause(): void {
    if (this.store.phase.value !== "live") return;
    this.store.paused.value = !this.store.paused.value;
    this.applyBroadcasting();
  }

  toggleMute(): void {
    if (this.store.phase.value !== "live") return;
    this.store.muted.value = !this.store.muted.value;
    this.applyBroadcasting();
  }

  async endSession(): Promise<void> {
    const session = this.store.session.value;
    if (!session) return;
    this.socket?.send({ action: "end" });
    try {
      await this.api?.endSession(session.id);
    } catch (err) {
      pushNotice(this.store, {
        id: "end",
        level: "warning",
        text: `The server did not confirm the end: ${(err as Error).message}`,
      });
    }
    await this.shutDown("ended");
  }

  private async shutDown(phase: "ended"): Promise<void> {
    clearInterval(this.statsTimer);
    const recognizer = this.recognizer;
    this.recognizer = undefined;
    await recognizer?.stop().catch(() => undefined);
    this.hub?.close();
    this.hub = undefined;
    this.socket?.close();
    this.socket = undefined;
    for (const p of this.players.values()) p.close();
    this.players.clear();
    batch(() => {
      this.store.phase.value = phase;
      this.store.qrOpen.value = false;
      this.store.viewers.value = [];
      this.store.channels.value = [];
    });
  }

  async exportTranscript(language: string, format: TranscriptFormat): Promise<void> {
    const session = this.store.session.value;
    if (!session || !this.api) return;
    try {
      const blob = await this.api.transcript(session.id, language, format);
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `${session.id}-${language}.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      pushNotice(this.store, { id: "export", level: "error", text: `Export failed: ${(err as Error).message}` });
    }
  }

  private syncHub(): void {
    const hub = this.hub;
    if (!hub) return;
    batch(() => {
      this.store.viewers.value = hub.viewers();
      this.store.channels.value = hub.channelStates();
    });
  }
}
