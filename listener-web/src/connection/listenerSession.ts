// Subpaths, not the index: the index also brings the zod schemas (about 95 KB gzip).

import type {
  JoinRequest,
  JoinResponse,
  ListenerMessage,
  RefreshResponse,
  SessionPublic,
  SessionStatus,
} from "@babelcast/protocol";
import { reconnectDelayMs } from "@babelcast/protocol/backoff";
import { grantIsFresh } from "@babelcast/protocol/grantExpiry";
import type { ListenerConfig, ListenerServerMessage } from "../api/guards.js";
import { parseServerMessage } from "../api/guards.js";
import { ApiFailure, getSession, joinSession, loadConfig, refreshListener } from "../api/listenerApi.js";
import { addCaption, type CaptionLog, emptyCaptionLog, lastSeqOf, setPartial } from "../captions/captionLog.js";
import { delaySeconds, smoothDelay } from "../captions/delay.js";
import { preselectLanguage, sessionLanguages } from "../language/preselect.js";
import { type KeyValueStore, rememberedLanguage, rememberLanguage } from "../language/storedPreferences.js";
import { openViewer, type Viewer } from "../media/viewer.js";

export type Phase = "loading" | "ready" | "joining" | "listening" | "ended" | "not-found" | "unreachable";
export type AudioState = "off" | "connecting" | "playing" | "reconnecting" | "captions-only";

export interface ListenerState {
  readonly phase: Phase;
  readonly session?: SessionPublic;
  readonly languages: readonly string[];
  /** The language chosen (acknowledged by the server once listening). */
  readonly language: string;
  readonly status: SessionStatus;
  readonly muted: boolean;
  readonly audio: AudioState;
  readonly captionsOnlyReason?: string;
  /** The caption WebSocket is down after having been up (or never came up). */
  readonly captionsReconnecting: boolean;
  readonly offline: boolean;
  readonly passcodeNeeded: boolean;
  readonly wrongPasscode: boolean;
  readonly captions: CaptionLog;
  readonly delay: number | null;
  /** A message from the server a person should see (already human-readable). */
  readonly notice?: string;
}

/** The session's languages come from the server, which only lists languages the protocol knows. */
type Language = JoinRequest["language"];

interface Credentials {
  listenerId: string;
  listenerToken: string;
}

/** The API answers a join or refresh for an ended talk with 409 Conflict. */
const talkEnded = (err: unknown): boolean => err instanceof ApiFailure && (err.status === 409 || err.status === 410);

/** A caption socket that stayed open this long was healthy: its loss restarts the backoff. */
const STABLE_SOCKET_MS = 10_000;

/** Where a join's id and token live so a reload keeps the listener's slot. */
const credentialsKey = (sessionId: string) => `babelcast.listener.${sessionId}`;

/**
 * One listener's connection to a talk: join, captions WebSocket, WebRTC audio, and the
 * reconnection of each with backoff. The UI renders `state` and calls the verbs.
 */
export class ListenerSession {
  state: ListenerState;
  private config?: ListenerConfig;
  private join?: JoinResponse;
  private socket?: WebSocket;
  private viewer?: Viewer;
  private passcode?: string;
  private socketAttempt = 0;
  private mediaAttempt = 0;
  private joinAttempt = 0;
  private renewingMedia = false;
  private socketTimer?: ReturnType<typeof setTimeout>;
  private mediaTimer?: ReturnType<typeof setTimeout>;
  private listeners = new Set<(s: ListenerState) => void>();

  constructor(
    private readonly sessionId: string,
    private readonly audio: HTMLAudioElement,
    private readonly store: KeyValueStore,
    private readonly tabStore: KeyValueStore,
    private readonly browserLanguages: readonly string[],
  ) {
    this.state = {
      phase: "loading",
      languages: [],
      language: "",
      status: "created",
      muted: false,
      audio: "off",
      captionsReconnecting: false,
      offline: false,
      passcodeNeeded: false,
      wrongPasscode: false,
      captions: emptyCaptionLog,
      delay: null,
    };
    audio.addEventListener("playing", () => {
      if (this.state.audio === "connecting" || this.state.audio === "reconnecting") this.set({ audio: "playing" });
    });
    addEventListener("online", () => this.networkBack());
    addEventListener("offline", () => this.networkLost());
  }

  subscribe(fn: (s: ListenerState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<ListenerState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  /** Reads the config and the session; retries with backoff while the network is down. */
  async load(attempt = 0): Promise<void> {
    if (!this.sessionId) return this.set({ phase: "not-found" });
    try {
      this.config ??= await loadConfig();
      const session = await getSession(this.config, this.sessionId);
      const languages = sessionLanguages(session.sourceLanguage, session.targetLanguages);
      this.set({
        phase: session.status === "ended" ? "ended" : "ready",
        session,
        languages,
        language: preselectLanguage(
          languages,
          rememberedLanguage(this.store),
          this.browserLanguages,
          session.sourceLanguage,
        ),
        status: session.status,
        muted: session.muted,
        passcodeNeeded: session.passcodeRequired,
      });
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 404) return this.set({ phase: "not-found" });
      this.set({ phase: "unreachable" });
      setTimeout(() => this.load(attempt + 1), reconnectDelayMs(attempt));
    }
  }

  /** Picks a language: before listening it is only remembered; while listening the console swaps the track. */
  chooseLanguage(language: string): void {
    if (!this.state.languages.includes(language)) return;
    rememberLanguage(this.store, language);
    this.set({ language });
    if (this.socket?.readyState === WebSocket.OPEN) this.send({ action: "language", language: language as Language });
  }

  setPasscode(passcode: string): void {
    this.passcode = passcode;
  }

  /** Call from the Listen tap, after the audio element and AudioContext were unlocked in it. */
  async listen(): Promise<void> {
    if (this.state.phase !== "ready" && this.state.phase !== "unreachable") return;
    this.set({ phase: "joining", audio: "connecting", wrongPasscode: false });
    try {
      await this.rejoin();
    } catch (err) {
      if (err instanceof ApiFailure && (err.status === 401 || err.status === 403) && this.state.passcodeNeeded) {
        return this.set({ phase: "ready", audio: "off", wrongPasscode: true });
      }
      if (err instanceof ApiFailure && err.status === 404) return this.set({ phase: "not-found", audio: "off" });
      if (talkEnded(err)) return this.end();
      if (!(err instanceof ApiFailure) || err.status === 0 || err.status >= 500) {
        // Bad Wi-Fi: the listener has tapped once; keep trying rather than ask again.
        this.set({ phase: "unreachable", audio: "off" });
        setTimeout(() => this.listen(), reconnectDelayMs(this.joinAttempt++));
        return;
      }
      this.set({ phase: "ready", audio: "off", notice: err.message });
      return;
    }
    this.joinAttempt = 0;
    // The rejoin may have found the talk over.
    if ((this.state.phase as Phase) === "ended") return;
    this.set({ phase: "listening", notice: undefined });
    this.connectSocket();
    this.startMedia();
  }

  /**
   * Joins, or rejoins with the stored id and token (same slot). A stored token the server
   * no longer accepts (expired, other server) gives way to a fresh join.
   */
  private async rejoin(): Promise<void> {
    const stored = this.storedCredentials();
    const request = (creds: Credentials | undefined) =>
      joinSession(this.config!, this.sessionId, {
        language: this.state.language as Language,
        ...(creds ?? {}),
        ...(this.passcode ? { passcode: this.passcode } : {}),
      });
    let join: JoinResponse;
    try {
      join = await request(stored);
    } catch (err) {
      if (!stored || !(err instanceof ApiFailure) || (err.status !== 401 && err.status !== 403)) throw err;
      join = await request(undefined);
    }
    this.join = join;
    this.set({ session: join.session, status: join.session.status, muted: join.session.muted, passcodeNeeded: false });
    this.applyGrant(join);
    if (join.session.status === "ended") this.end();
  }

  /** A new signed URL and token for the same listener (refresh), or a rejoin when refresh is refused. */
  private async renew(): Promise<void> {
    const join = this.join;
    if (join) {
      try {
        const fresh = await refreshListener(this.config!, this.sessionId, join.listenerId, join.listenerToken);
        this.join = { ...join, ...fresh };
        this.applyGrant(fresh);
        return;
      } catch (err) {
        // Only a refusal (token expired, slot gone) is worth a rejoin; a network failure is retried as is.
        if (!(err instanceof ApiFailure) || err.status === 0 || talkEnded(err) || err.status >= 500) throw err;
      }
    }
    await this.rejoin();
  }

  private applyGrant(grant: RefreshResponse): void {
    this.tabStore.setItem(
      credentialsKey(this.sessionId),
      JSON.stringify({ listenerId: grant.listenerId, listenerToken: grant.listenerToken }),
    );
    if (grant.audio.mode === "captions-only")
      this.set({ audio: "captions-only", captionsOnlyReason: grant.audio.reason });
  }

  private storedCredentials(): Credentials | undefined {
    if (this.join) return { listenerId: this.join.listenerId, listenerToken: this.join.listenerToken };
    try {
      const v = JSON.parse(this.tabStore.getItem(credentialsKey(this.sessionId)) ?? "null");
      return typeof v?.listenerId === "string" && typeof v?.listenerToken === "string" ? v : undefined;
    } catch {
      return undefined;
    }
  }

  // ---- captions WebSocket -------------------------------------------------------

  private connectSocket(): void {
    if (this.state.phase !== "listening" || !this.join) return;
    const url = new URL(this.join.webSocketUrl);
    url.searchParams.set("role", "listener");
    url.searchParams.set("sessionId", this.sessionId);
    url.searchParams.set("token", this.join.listenerToken);
    const socket = new WebSocket(url);
    this.socket = socket;
    let openedAt: number | undefined;
    socket.onopen = () => {
      openedAt = Date.now();
      this.set({ captionsReconnecting: false, offline: false });
      this.send({ action: "hello", lastSeq: lastSeqOf(this.state.captions, this.state.language) });
      if (this.join && this.join.language !== this.state.language)
        this.send({ action: "language", language: this.state.language as Language });
    };
    socket.onmessage = (e) => {
      const message = parseServerMessage(e.data);
      if (message) this.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.state.phase !== "listening") return;
      this.set({ captionsReconnecting: true });
      // Only a socket that stayed up a while resets the backoff: one the server keeps
      // closing must not be hammered.
      if (openedAt !== undefined && Date.now() - openedAt > STABLE_SOCKET_MS) this.socketAttempt = 0;
      const attempt = this.socketAttempt++;
      const renew = openedAt === undefined || attempt > 0;
      this.socketTimer = setTimeout(() => this.reconnectSocket(renew), reconnectDelayMs(attempt));
    };
  }

  /** `renew`: the socket was refused or keeps dropping, so its token may be stale: get a fresh one first. */
  private async reconnectSocket(renew: boolean): Promise<void> {
    if (renew) {
      try {
        await this.renew();
      } catch (err) {
        if (this.state.phase !== "listening") return;
        if (talkEnded(err)) return this.end();
        this.socketTimer = setTimeout(() => this.reconnectSocket(true), reconnectDelayMs(this.socketAttempt++));
        return;
      }
    }
    this.connectSocket();
  }

  private send(message: ListenerMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  private onMessage(message: ListenerServerMessage): void {
    switch (message.type) {
      case "caption":
        this.set({
          captions: addCaption(this.state.captions, message),
          delay: smoothDelay(this.state.delay, delaySeconds(message.spokenEndAt, Date.now())),
        });
        return;
      case "partial":
        this.set({ captions: setPartial(this.state.captions, message.text) });
        return;
      case "session-status":
        if (message.status === "ended") {
          this.end();
          return;
        }
        this.set({ status: message.status, muted: message.muted });
        // The console may have just come online: try audio now rather than after the backoff.
        if (message.status === "live" && this.state.audio === "reconnecting") this.retryMediaNow();
        return;
      case "language-changed":
        if (this.join) this.join = { ...this.join, language: message.language };
        this.set({ language: message.language, captions: setPartial(this.state.captions, "") });
        return;
      case "error":
        this.set({ notice: message.message });
        return;
    }
  }

  // ---- WebRTC audio -------------------------------------------------------------

  private startMedia(): void {
    const join = this.join;
    if (this.state.phase !== "listening" || !join || join.audio.mode !== "webrtc") return;
    if (this.state.audio === "captions-only" || this.state.audio === "off") this.set({ audio: "connecting" });
    this.viewer?.close();
    this.viewer = openViewer(join.audio.signaling, join.listenerId, {
      onStream: (stream) => {
        if (this.audio.srcObject !== stream) this.audio.srcObject = stream;
        this.audio.play().catch(() => {
          // Autoplay refused (the tap was too long ago): the Resume button plays it.
        });
      },
      onConnected: () => {
        this.mediaAttempt = 0;
        if (!this.audio.paused) this.set({ audio: "playing" });
      },
      onFailed: () => this.mediaLost(),
    });
  }

  private mediaLost(): void {
    this.viewer = undefined;
    if (this.state.phase !== "listening") return;
    this.set({ audio: "reconnecting" });
    // Offline: nothing to try until the "online" event (networkBack) says so.
    if (this.state.offline) return;
    const attempt = this.mediaAttempt++;
    this.mediaTimer = setTimeout(() => this.reconnectMedia(), reconnectDelayMs(attempt));
  }

  /** A new offer, with a fresh grant when the old one has (nearly) expired. */
  private async reconnectMedia(): Promise<void> {
    if (this.renewingMedia) return;
    const audio = this.join?.audio;
    const valid = audio?.mode === "webrtc" && grantIsFresh(audio.signaling.expiresAt, Date.now());
    try {
      this.renewingMedia = true;
      if (!valid) await this.renew();
    } catch (err) {
      if (talkEnded(err)) return this.end();
      return this.mediaLost();
    } finally {
      this.renewingMedia = false;
    }
    if (this.join?.audio.mode === "webrtc") this.startMedia();
  }

  private retryMediaNow(): void {
    // An attempt already under way is not interrupted: that would only start over.
    if (this.viewer || this.renewingMedia) return;
    clearTimeout(this.mediaTimer);
    this.mediaAttempt = 0;
    void this.reconnectMedia();
  }

  /**
   * The phone lost its network: the peer connection cannot survive it (the address usually
   * changes), so drop it now and reconnect the moment the network is back.
   */
  private networkLost(): void {
    this.set({ offline: true });
    if (this.state.phase !== "listening" || this.state.audio === "captions-only") return;
    clearTimeout(this.mediaTimer);
    this.viewer?.close();
    this.viewer = undefined;
    this.set({ audio: "reconnecting" });
  }

  private networkBack(): void {
    this.set({ offline: false });
    if (this.state.phase === "unreachable") {
      void this.load();
      return;
    }
    if (this.state.phase !== "listening") return;
    // Audio must be back within seconds of the network: skip whatever backoff is pending.
    if (!this.socket) {
      clearTimeout(this.socketTimer);
      this.socketAttempt = 0;
      void this.reconnectSocket(true);
    }
    if (this.state.audio === "reconnecting") this.retryMediaNow();
  }

  // ---- listener controls --------------------------------------------------------

  /** Lock-screen and on-page pause: stops playout; the connection stays up for a quick resume. */
  pause(): void {
    this.audio.pause();
    this.set({});
  }

  resume(): void {
    this.audio.play().catch(() => {});
    this.set({});
  }

  private end(): void {
    clearTimeout(this.socketTimer);
    clearTimeout(this.mediaTimer);
    this.set({ phase: "ended", status: "ended", audio: "off" });
    this.viewer?.close();
    this.viewer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    this.audio.srcObject = null;
  }
}
