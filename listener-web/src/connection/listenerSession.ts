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
import { EventSubscriber } from "@babelcast/protocol/eventSubscriber";
import { grantIsFresh } from "@babelcast/protocol/grantExpiry";
import { REPLAY_PAGE_CAPTIONS } from "@babelcast/protocol/replay";
import type { ListenerConfig, ListenerServerMessage } from "../api/guards.js";
import { isFeedEvent, parseServerMessage } from "../api/guards.js";
import { ApiFailure, getSession, joinSession, loadConfig, refreshListener } from "../api/listenerApi.js";
import { addCaption, type CaptionLog, emptyCaptionLog, lastSeqOf, setPartial } from "../captions/captionLog.js";
import { delaySeconds, smoothDelay } from "../captions/delay.js";
import { nativeLanguageName } from "../i18n/languageName.js";
import { preselectLanguage, sessionLanguages } from "../language/preselect.js";
import { type KeyValueStore, rememberedLanguage, rememberLanguage } from "../language/storedPreferences.js";
import { openViewer, type Viewer } from "../media/viewer.js";
import { feedChannel } from "./feedChannel.js";

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
  /** The caption feed or the WebSocket is down after having been up (or never came up). */
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

/** A caption socket or feed that stayed up this long was healthy: its loss restarts the backoff. */
const STABLE_SOCKET_MS = 10_000;
/**
 * API Gateway closes a WebSocket connection idle for 10 minutes
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html).
 * Captions now come from the Event API, so the socket would fall silent and the listener drop
 * out of the counts: a hello every 4 minutes keeps it open and also fills any caption gap.
 */
const SOCKET_KEEPALIVE_MS = 4 * 60_000;

/** The two links captions come through, each reconnected on its own. */
type Link = "socket" | "feed";

/** A subscription to the caption channel of one language. */
interface Feed {
  readonly subscriber: EventSubscriber;
  readonly language: string;
}

/** Where a join's id and token live so a reload keeps the listener's slot. */
const credentialsKey = (sessionId: string) => `babelcast.listener.${sessionId}`;

/**
 * One listener's connection to a talk: join, caption feed, WebSocket, WebRTC audio, and the
 * reconnection of each with backoff. The UI renders `state` and calls the verbs.
 *
 * Live captions, partials and session status come from the caption channel of the
 * listener's language (the Event API feed, one subscription at a time). The WebSocket
 * carries presence, language changes and replay: once the feed is subscribed (and the server
 * has the listener's language), `hello {lastSeq}` asks for what was published before, so
 * nothing is missed; captions that come both ways are shown once (by seq).
 */
export class ListenerSession {
  state: ListenerState;
  private config?: ListenerConfig;
  private join?: JoinResponse;
  private socket?: WebSocket;
  /** The subscription captions come from. */
  private feed?: Feed;
  /** A subscription to the newly chosen language, replacing `feed` once subscribed. */
  private nextFeed?: Feed;
  /** Captions the socket replayed since the last hello (a full page asks for the next). */
  private replayed = 0;
  /** Whether this socket and this feed have had their hello. */
  private helloSent = false;
  /**
   * The last seq shown when the feed's subscription began: its hello asks for what came after,
   * even when the hello waits (for the socket, or the language's ack) while the feed delivers.
   */
  private helloSince?: number;
  /** Lost after having been up: the listener is told captions are reconnecting. */
  private down: Record<Link, boolean> = { socket: false, feed: false };
  private attempts: Record<Link, number> = { socket: 0, feed: 0 };
  private timers: Partial<Record<Link, ReturnType<typeof setTimeout>>> = {};
  private renewal?: Promise<void>;
  private viewer?: Viewer;
  private passcode?: string;
  private mediaAttempt = 0;
  private joinAttempt = 0;
  private renewingMedia = false;
  private mediaTimer?: ReturnType<typeof setTimeout>;
  private listeners = new Set<(s: ListenerState) => void>();

  constructor(
    private readonly sessionId: string,
    private readonly audio: HTMLAudioElement,
    private readonly store: KeyValueStore,
    private readonly tabStore: KeyValueStore,
    private readonly browserLanguages: readonly string[],
    /** Where config.json is: the embed page is served by the API, not beside it. */
    private readonly configUrl?: string,
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
      this.config ??= await loadConfig(this.configUrl);
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
    if (this.state.phase !== "listening") return;
    if (this.socket?.readyState === WebSocket.OPEN) this.send({ action: "language", language: language as Language });
    this.followLanguage();
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
    this.openFeed();
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

  /** One renewal at a time: the socket and the feed, refused together, share it. */
  private renewOnce(): Promise<void> {
    this.renewal ??= this.renew().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
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

  // ---- WebSocket (presence, language, replay) -----------------------------------

  private connectSocket(): void {
    if (this.state.phase !== "listening" || !this.join) return;
    const url = new URL(this.join.webSocketUrl);
    url.searchParams.set("role", "listener");
    url.searchParams.set("sessionId", this.sessionId);
    url.searchParams.set("token", this.join.listenerToken);
    const socket = new WebSocket(url);
    this.socket = socket;
    let openedAt: number | undefined;
    let keepAlive: ReturnType<typeof setInterval> | undefined;
    socket.onopen = () => {
      openedAt = Date.now();
      keepAlive = setInterval(() => {
        const language = this.feed?.language;
        if (this.helloSent && language && this.join?.language === language)
          this.send({ action: "hello", lastSeq: lastSeqOf(this.state.captions, language) });
      }, SOCKET_KEEPALIVE_MS);
      this.helloSent = false;
      this.linkUp("socket");
      this.set({ offline: false });
      if (this.join && this.join.language !== this.state.language)
        this.send({ action: "language", language: this.state.language as Language });
      this.sayHello();
    };
    socket.onmessage = (e) => {
      const message = parseServerMessage(e.data);
      if (!message) return;
      this.onMessage(message);
      // Captions on the socket are replies to a hello; a full page means more may follow it.
      if (message.type === "caption" && ++this.replayed === REPLAY_PAGE_CAPTIONS)
        this.send({ action: "hello", lastSeq: lastSeqOf(this.state.captions, message.language) });
    };
    socket.onclose = () => {
      clearInterval(keepAlive);
      if (this.socket !== socket) return;
      this.socket = undefined;
      // Refused before opening, or dropping again right after a reconnection: the token may be stale.
      this.linkLost("socket", openedAt, (attempt) => openedAt === undefined || attempt > 0);
    };
  }

  // ---- caption feed (Event API) -------------------------------------------------

  /** Subscribes to the channel of the chosen language; the current feed stays until the new one is subscribed. */
  private openFeed(): void {
    const join = this.join;
    if (this.state.phase !== "listening" || !join || !this.config) return;
    this.nextFeed?.subscriber.close();
    const language = this.state.language;
    let subscribedAt: number | undefined;
    const feed: Feed = {
      language,
      subscriber: new EventSubscriber({
        ...this.config.events,
        token: join.listenerToken,
        channel: feedChannel(this.sessionId, language),
        onEvent: (event) => {
          if (this.feed === feed && isFeedEvent(event)) this.onMessage(event);
        },
        onSubscribed: () => {
          if (this.nextFeed !== feed) return;
          subscribedAt = Date.now();
          this.feed?.subscriber.close();
          this.feed = feed;
          this.nextFeed = undefined;
          this.helloSent = false;
          this.helloSince = lastSeqOf(this.state.captions, language);
          this.linkUp("feed");
          this.sayHello();
        },
        onClose: (refused) => {
          if (this.nextFeed === feed) this.nextFeed = undefined;
          else if (this.feed === feed) this.feed = undefined;
          else return;
          // The feed of the old language dropped while the new one subscribes: that one will do.
          if (this.nextFeed) return;
          // Refused (an expired token, most likely): a fresh token first.
          this.linkLost("feed", subscribedAt, () => refused);
        },
      }),
    };
    this.nextFeed = feed;
  }

  /** A language chosen or acknowledged that the feed does not (or is not about to) carry: switch channels. */
  private followLanguage(): void {
    if ((this.nextFeed ?? this.feed)?.language !== this.state.language) this.openFeed();
  }

  /**
   * Asks the WebSocket for the captions published before the feed's subscription was in
   * place, once the socket is open, the feed subscribed, and the server knows the language
   * the feed carries (it replays in the listener's stored language).
   */
  private sayHello(): void {
    const language = this.feed?.language;
    if (this.helloSent || this.socket?.readyState !== WebSocket.OPEN || !language || this.join?.language !== language)
      return;
    this.helloSent = true;
    this.send({ action: "hello", lastSeq: this.helloSince ?? lastSeqOf(this.state.captions, language) });
    this.helloSince = undefined;
  }

  // ---- both links ---------------------------------------------------------------

  private linkUp(link: Link): void {
    this.down[link] = false;
    this.set({ captionsReconnecting: this.down.socket || this.down.feed });
  }

  /** `upAt`: when the link last came up (undefined: it never did); `renew(attempt)`: get a fresh token first. */
  private linkLost(link: Link, upAt: number | undefined, renew: (attempt: number) => boolean): void {
    if (this.state.phase !== "listening") return;
    this.down[link] = true;
    this.set({ captionsReconnecting: true });
    // Only a link that stayed up a while resets the backoff: one the server keeps
    // closing must not be hammered.
    if (upAt !== undefined && Date.now() - upAt > STABLE_SOCKET_MS) this.attempts[link] = 0;
    const attempt = this.attempts[link]++;
    const fresh = renew(attempt);
    this.timers[link] = setTimeout(() => this.reconnect(link, fresh), reconnectDelayMs(attempt));
  }

  /** `renew`: the link was refused or keeps dropping, so its token may be stale: get a fresh one first. */
  private async reconnect(link: Link, renew: boolean): Promise<void> {
    if (renew) {
      try {
        await this.renewOnce();
      } catch (err) {
        if (this.state.phase !== "listening") return;
        if (talkEnded(err)) return this.end();
        this.timers[link] = setTimeout(() => this.reconnect(link, true), reconnectDelayMs(this.attempts[link]++));
        return;
      }
    }
    if (link === "socket") this.connectSocket();
    else this.openFeed();
  }

  private send(message: ListenerMessage): void {
    // Replies are counted from each hello: a full page of them asks for the next.
    if (message.action === "hello") this.replayed = 0;
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
      case "source-language":
        // The presenter now speaks another language: the offered languages follow, and the listener is told.
        this.set({
          languages: sessionLanguages(message.sourceLanguage, message.targetLanguages),
          notice: `🎙 ${nativeLanguageName(message.previousLanguage)} → ${nativeLanguageName(message.sourceLanguage)}`,
        });
        return;
      case "language-changed":
        if (this.join) this.join = { ...this.join, language: message.language };
        this.set({ language: message.language, captions: setPartial(this.state.captions, "") });
        this.followLanguage();
        this.sayHello();
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
      if (!valid) await this.renewOnce();
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
   * changes), so drop it now and reconnect the moment the network is back. The feed too: a
   * dead connection would otherwise look alive until the keep-alive timeout (minutes), and the
   * resubscription's hello fills the gap.
   */
  private networkLost(): void {
    this.set({ offline: true });
    if (this.state.phase !== "listening") return;
    this.closeFeeds();
    clearTimeout(this.timers.feed);
    this.down.feed = true;
    this.set({ captionsReconnecting: true });
    if (this.state.audio === "captions-only") return;
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
    // Audio and captions must be back within seconds of the network: skip whatever backoff is pending.
    if (!this.socket) {
      clearTimeout(this.timers.socket);
      this.attempts.socket = 0;
      void this.reconnect("socket", true);
    }
    if (!this.feed && !this.nextFeed) {
      clearTimeout(this.timers.feed);
      this.attempts.feed = 0;
      void this.reconnect("feed", false);
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

  private closeFeeds(): void {
    for (const feed of [this.feed, this.nextFeed]) feed?.subscriber.close();
    this.feed = this.nextFeed = undefined;
  }

  private end(): void {
    clearTimeout(this.timers.socket);
    clearTimeout(this.timers.feed);
    clearTimeout(this.mediaTimer);
    this.closeFeeds();
    this.set({ phase: "ended", status: "ended", audio: "off" });
    this.viewer?.close();
    this.viewer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    this.audio.srcObject = null;
  }
}
