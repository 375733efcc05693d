import {
  ChannelAddedMessage,
  type ClaimHandOffResponse,
  type CreateSessionRequest,
  ErrorMessage,
  HandedOffMessage,
  ListenerCountsMessage,
  languageInfo,
  SegmentProgressMessage,
  type SessionOwnerView,
  SessionStatusMessage,
  type SignalingGrant,
  SourceLanguageMessage,
  type TranscriptFormat,
  type WaitingHandOff,
} from "@babelcast/protocol";
import { batch, type ReadonlySignal, signal } from "@preact/signals";
import { saveDownload } from "../platform/saveDownload.js";
import type { CommittedSegment } from "../recognition/committedSegment.js";
import { ControlSocket, type SocketState } from "../session/controlSocket.js";
import { fragmentWithoutHandOff, type HandOffTarget, handOffLink, parseHandOffLink } from "../session/handOffLink.js";
import { PartialThrottle } from "../session/partialThrottle.js";
import type { NoticesStore } from "./noticesStore.js";
import type { SettingsStore } from "./settingsStore.js";
import type { SignInStore } from "./signInStore.js";

export type Phase = "loading" | "sign-in" | "setup" | "live" | "ended" | "handed-off";

/** A hand-off link this console offered, until another console claims it or it expires. */
export interface OfferedHandOff {
  readonly link: string;
  readonly expiresAt: number;
  /** The only presenter (e-mail) who may claim it, when one was named. */
  readonly presenter?: string;
}

/**
 * Segment numbers the new console skips after the last stored one: segments the old console
 * had in flight when it was told to step down land in this gap, never on the new console's numbers.
 */
export const HANDOFF_SEQ_GAP = 1000;

export interface Counts {
  readonly total: number;
  readonly byLanguage: Readonly<Record<string, number>>;
  readonly byChannel: Readonly<Record<string, number>>;
  readonly captionsOnly: number;
}

/** What the session's live link brings that other stores act on. */
export interface SessionEvents {
  /** The session is live (created or reopened): media and recognition start. */
  onLive(session: SessionOwnerView): void;
  /** Paused, muted, or back on air. */
  onAirChanged(on: boolean): void;
  onViewerLanguages(byViewer: Record<string, string>): void;
  onChannelAdded(grant: SignalingGrant): void;
  onProgress(m: SegmentProgressMessage): void;
  onSpeechFrame(frame: ArrayBuffer): void;
  /** The source language changed (here, by identification, or on another console): recognition follows. */
  onSourceChanged(session: SessionOwnerView): void;
  /** The session ended (by the presenter or the server), or went to another console: everything live stops. */
  onEnded(): Promise<void>;
}

/**
 * The talk: the console's phase, the session being presented, pause and mute, the listener
 * counts, and the control socket to the server (segments out, progress and counts in).
 */

/** How long a console waits for the server's echo of a status before going on regardless. */
const STATUS_ECHO_WAIT_MS = 5_000;
export function createSessionStore(deps: {
  notices: NoticesStore;
  settings: SettingsStore;
  signIn: SignInStore;
  events: SessionEvents;
}) {
  const { notices, settings, signIn, events } = deps;
  const phase = signal<Phase>("loading");
  const resumable = signal<SessionOwnerView | undefined>(undefined);
  const session = signal<SessionOwnerView | undefined>(undefined);
  const paused = signal(false);
  const muted = signal(false);
  const startedAt = signal<number | undefined>(undefined);
  const counts = signal<Counts>({ total: 0, byLanguage: {}, byChannel: {}, captionsOnly: 0 });
  const socketState = signal<SocketState>("closed");
  const offeredHandOff = signal<OfferedHandOff | undefined>(undefined);
  const pendingHandOff = signal<HandOffTarget | undefined>(undefined);
  let socket: ControlSocket | undefined;
  let nextSeq = 0;
  /** The session's hand-off count this console went live at: a higher one means it was handed on. */
  let hubEpoch = 0;
  /** The highest counts version taken (messages from different server containers can cross). */
  let countsVersion = -1;
  // At most MAX_PARTIALS_PER_SECOND partials a second reach the server (it drops the rest).
  const partials = new PartialThrottle((text) => socket?.send({ action: "partial", text }));

  const onAir = (): boolean => !paused.value && !muted.value;

  /** Target languages whose captions come from recognizing their interpreter now (sent with every status). */
  let interpretedCaptions: readonly string[] = [];
  /** Waiting for the server's echo of a status: it has stored it once the echo comes. */
  let statusEchoed: Array<() => void> = [];

  const sendStatus = (): void => {
    if (!onAir()) partials.cancel();
    socket?.send({
      action: "status",
      status: paused.value ? "paused" : "live",
      muted: muted.value,
      interpretedCaptions: [...interpretedCaptions],
    });
  };

  /** Takes a new source (and the targets that came with it) once, whichever arrives first: the API's answer or the notice. */
  const applySource = (sourceLanguage: string, targetLanguages: readonly string[]): void => {
    const live = session.value;
    if (!live || live.sourceLanguage === sourceLanguage) return;
    const updated = { ...live, sourceLanguage, targetLanguages: [...targetLanguages] };
    session.value = updated;
    events.onSourceChanged(updated);
  };

  const onServerMessage = (raw: unknown): void => {
    switch ((raw as { type?: unknown })?.type) {
      case "listener-counts": {
        const m = ListenerCountsMessage.safeParse(raw);
        if (!m.success) return;
        // Highest version wins: an older push landing late says nothing new.
        const version = m.data.version ?? 0;
        if (version < countsVersion) return;
        countsVersion = version;
        counts.value = m.data;
        if (m.data.byViewer) events.onViewerLanguages(m.data.byViewer);
        return;
      }
      case "channel-added": {
        const m = ChannelAddedMessage.safeParse(raw);
        if (m.success) events.onChannelAdded(m.data.signaling);
        return;
      }
      case "segment-progress": {
        const m = SegmentProgressMessage.safeParse(raw);
        if (!m.success) return;
        socket?.acknowledge(m.data.segmentSeq);
        events.onProgress(m.data);
        return;
      }
      case "source-language": {
        const m = SourceLanguageMessage.safeParse(raw);
        if (m.success) applySource(m.data.sourceLanguage, m.data.targetLanguages);
        return;
      }
      case "handed-off": {
        const m = HandedOffMessage.safeParse(raw);
        if (m.success && m.data.hubEpoch > hubEpoch) void stepDown();
        return;
      }
      case "session-status": {
        const m = SessionStatusMessage.safeParse(raw);
        if (!m.success) return;
        const waiting = statusEchoed;
        statusEchoed = [];
        for (const resolve of waiting) resolve();
        if (m.data.status === "ended") void end();
        return;
      }
      case "error": {
        const m = ErrorMessage.safeParse(raw);
        if (m.success) notices.push({ id: `server-${m.data.code}`, level: "warning", text: m.data.message });
        return;
      }
      default:
        return;
    }
  };

  const goLive = (live: SessionOwnerView): void => {
    const config = signIn.config.value;
    if (!config) return;
    batch(() => {
      session.value = live;
      paused.value = live.status === "paused";
      muted.value = live.muted;
      startedAt.value = Date.now();
      offeredHandOff.value = undefined;
      phase.value = "live";
    });
    countsVersion = -1;
    hubEpoch = live.hubEpoch ?? 0;
    socket = new ControlSocket(
      async () =>
        `${config.webSocketUrl}?role=console&sessionId=${encodeURIComponent(live.id)}&token=${encodeURIComponent(await signIn.bearer())}`,
      {
        onJson: onServerMessage,
        onBinary: (frame) => events.onSpeechFrame(frame),
        onState: (state) => {
          socketState.value = state;
          // After a reconnect: ask for the current counts (and so every viewer's language).
          if (state === "open") socket?.send({ action: "hello", hubEpoch });
          if (state === "reconnecting")
            notices.push({ id: "socket", level: "warning", text: "Lost the connection to the server: reconnecting…" });
          else if (state === "open") notices.clear("socket");
        },
      },
    );
    // The control socket and recognition's Transcribe stream connect at once. Chromium lets one WebSocket
    // per host and port be connecting at a time (RFC 6455, section 4.1), and the two never share one: AWS
    // serves Transcribe streaming from a host of its own, and the embedded server from a port of its own,
    // so the presenter's first words never wait behind the control socket's cold `$connect`.
    void socket.connect();
    sendStatus();
    events.onLive(live);
  };

  /** Goes live with a session this console just claimed. */
  const takeOver = (claimed: ClaimHandOffResponse): void => {
    pendingHandOff.value = undefined;
    // Numbering continues after the last stored segment (and the old console's in-flight ones).
    nextSeq = claimed.lastSeq + 1 + HANDOFF_SEQ_GAP;
    goLive(claimed.session);
  };

  const setOnAir = (change: () => void): void => {
    if (phase.value !== "live") return;
    change();
    events.onAirChanged(onAir());
    sendStatus();
  };

  /** Stops the live link; the other stores stop with it (onEnded). */
  const end = async (): Promise<void> => {
    // Recognition stops first: its last words still go out on the open socket.
    await events.onEnded();
    partials.cancel();
    socket?.close();
    socket = undefined;
    phase.value = "ended";
  };

  /**
   * Another console took the session over: this one stops sending first (nothing more may carry
   * its segment numbers), then stops recognition, speech and its master connections.
   */
  const stepDown = async (): Promise<void> => {
    if (phase.value !== "live") return;
    partials.cancel();
    socket?.close();
    socket = undefined;
    await events.onEnded();
    batch(() => {
      offeredHandOff.value = undefined;
      phase.value = "handed-off";
    });
  };

  return {
    phase: phase as ReadonlySignal<Phase>,
    offeredHandOff: offeredHandOff as ReadonlySignal<OfferedHandOff | undefined>,
    /** A hand-off link this console was opened with, to take over from the setup screen. */
    pendingHandOff: pendingHandOff as ReadonlySignal<HandOffTarget | undefined>,
    resumable: resumable as ReadonlySignal<SessionOwnerView | undefined>,
    session: session as ReadonlySignal<SessionOwnerView | undefined>,
    paused: paused as ReadonlySignal<boolean>,
    muted: muted as ReadonlySignal<boolean>,
    startedAt: startedAt as ReadonlySignal<number | undefined>,
    counts: counts as ReadonlySignal<Counts>,
    socketState: socketState as ReadonlySignal<SocketState>,
    onAir,
    showSignIn(): void {
      phase.value = "sign-in";
    },
    showSetup(toReopen: SessionOwnerView | undefined): void {
      batch(() => {
        resumable.value = toReopen;
        phase.value = "setup";
      });
    },
    async create(request: CreateSessionRequest): Promise<void> {
      const api = signIn.api;
      if (!api) return;
      const created = await api.createSession(request);
      void settings.save({
        lastSession: {
          sourceLanguage: request.sourceLanguage,
          targetLanguages: request.targetLanguages,
          audioCapacity: request.audioCapacity,
        },
      });
      nextSeq = 0;
      goLive(created);
    },
    /** Reopens a running session after a restart: same id, same listeners, fresh master grants. */
    async reopen(running: SessionOwnerView): Promise<void> {
      // Segment numbers must keep rising across restarts: start above anything sent before.
      nextSeq = Math.max(0, Math.floor((Date.now() - running.createdAt) / 100));
      goLive(running);
    },
    /** Reads a hand-off link from the address (`#handoff=…`) and takes it out of the address bar. */
    readHandOffFromLocation(): void {
      const target = parseHandOffLink(location.hash);
      if (!target) return;
      pendingHandOff.value = target;
      history.replaceState(null, "", `${location.pathname}${location.search}${fragmentWithoutHandOff(location.hash)}`);
    },
    /**
     * Asks the server for a one-time link another signed-in console takes this session over
     * with; naming a presenter (their sign-in e-mail) makes it theirs alone.
     */
    async offerHandOff(presenter?: string): Promise<void> {
      const live = session.value;
      const api = signIn.api;
      if (!live || !api) return;
      try {
        const offer = await api.createHandOff(live.id, presenter ? { presenter } : {});
        offeredHandOff.value = {
          link: handOffLink(`${location.origin}${location.pathname}`, offer),
          expiresAt: offer.expiresAt,
          ...(offer.presenter ? { presenter: offer.presenter } : {}),
        };
      } catch (err) {
        notices.push({ id: "handoff", level: "error", text: `No hand-off link: ${(err as Error).message}` });
      }
    },
    dismissHandOff(): void {
      offeredHandOff.value = undefined;
    },
    /** Takes a session over with a hand-off link: this console becomes its media hub. Throws what to tell the presenter. */
    async claimHandOff(pasted: string): Promise<void> {
      const api = signIn.api;
      if (!api) return;
      const target = parseHandOffLink(pasted);
      if (!target)
        throw new Error("That is not a hand-off link: paste the whole link the other console shows under Hand off.");
      takeOver(await api.claimHandOff(target.sessionId, { code: target.code }));
    },
    /** Takes over a hand-off another presenter addressed to this one (`GET /handoffs`), without a link. */
    async claimWaitingHandOff(waiting: WaitingHandOff): Promise<void> {
      const api = signIn.api;
      if (!api) return;
      takeOver(await api.claimHandOff(waiting.sessionId, { handOff: waiting.handOff }));
    },
    /**
     * Declares which target languages' captions come from their interpreter's recognized speech
     * (the server stops machine-translating into them). Resolves once the server echoes the
     * status, i.e. has stored it: each WebSocket message is its own Lambda invocation, so a segment
     * sent before that could still be routed by the old status. At most `STATUS_ECHO_WAIT_MS`.
     */
    async setInterpretedCaptions(languages: readonly string[]): Promise<void> {
      interpretedCaptions = [...new Set(languages)].sort();
      const echoed = new Promise<void>((resolve) => {
        statusEchoed.push(resolve);
        setTimeout(resolve, STATUS_ECHO_WAIT_MS);
      });
      sendStatus();
      await echoed;
    },
    /** The next segment number of this session. */
    allocateSeq(): number {
      return nextSeq++;
    },
    sendSegment(segment: CommittedSegment): void {
      // The final's words were the waiting partial's: that partial must not follow it.
      partials.cancel();
      socket?.sendSegment(segment);
    },
    /** The not-yet-committed words, as live captions for source-language listeners (throttled). */
    sendPartial(text: string): void {
      partials.offer(text.slice(0, 3000));
    },
    /**
     * Switches the session's source language: the server checks it (refusing what this home's
     * recognizer cannot hear) and tells the listeners; recognition then restarts in it. On a
     * refusal nothing changes and the presenter reads why. Resolves whether it switched.
     */
    async changeSource(language: string): Promise<boolean> {
      const live = session.value;
      const api = signIn.api;
      if (!live || !api) return false;
      if (language === live.sourceLanguage) return true;
      try {
        const updated = await api.updateSession(live.id, { sourceLanguage: language });
        notices.clear("source-language");
        applySource(updated.sourceLanguage, updated.targetLanguages);
        return true;
      } catch (err) {
        const from = languageInfo(live.sourceLanguage)?.englishName ?? live.sourceLanguage;
        notices.push({
          id: "source-language",
          level: "error",
          text: `The source language stays ${from}: ${(err as Error).message}`,
        });
        return false;
      }
    },
    togglePause(): void {
      setOnAir(() => {
        paused.value = !paused.value;
      });
    },
    toggleMute(): void {
      setOnAir(() => {
        muted.value = !muted.value;
      });
    },
    /** Which sites may embed the player; the server checks the list again and refuses bad input whole. */
    async setEmbedOrigins(origins: string[]): Promise<void> {
      const live = session.value;
      const api = signIn.api;
      if (!live || !api) throw new Error("no session is live: start or reopen one first");
      const updated = await api.updateSession(live.id, { embedOrigins: origins });
      session.value = updated;
    },
    /** Ends the session for every listener. */
    async endSession(): Promise<void> {
      const live = session.value;
      if (!live) return;
      socket?.send({ action: "end" });
      try {
        await signIn.api?.endSession(live.id);
      } catch (err) {
        notices.push({
          id: "end",
          level: "warning",
          text: `The server did not confirm the end: ${(err as Error).message}`,
        });
      }
      await end();
    },
    async exportTranscript(language: string, format: TranscriptFormat): Promise<void> {
      const live = session.value;
      const api = signIn.api;
      if (!live || !api) return;
      try {
        saveDownload(await api.transcript(live.id, language, format), `${live.id}-${language}.${format}`);
      } catch (err) {
        notices.push({ id: "export", level: "error", text: `Export failed: ${(err as Error).message}` });
      }
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
