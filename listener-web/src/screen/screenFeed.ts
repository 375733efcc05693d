import type { JoinResponse } from "@babelcast/protocol";
import { reconnectDelayMs } from "@babelcast/protocol/backoff";
import { EventSubscriber } from "@babelcast/protocol/eventSubscriber";
import { isFeedEvent, type ListenerServerMessage, parseServerMessage } from "../api/guards.js";
import { ApiFailure, getSession, joinSession, loadConfig } from "../api/listenerApi.js";
import { addCaption, type CaptionLog, emptyCaptionLog, lastSeqOf, setPartial } from "../captions/captionLog.js";
import { feedChannel } from "../connection/feedChannel.js";
import type { ScreenTarget } from "./screenLines.js";

export interface ScreenState {
  /** Shown instead of captions: what is wrong and what to do; undefined while all is well. */
  readonly problem?: string;
  readonly title: string;
  readonly captions: CaptionLog;
  readonly ended: boolean;
  /** Subscribed to the language's captions: what is published from now on shows. */
  readonly following: boolean;
}

/** API Gateway closes a WebSocket idle for 10 minutes; the listener page's keep-alive period. */
const SOCKET_KEEPALIVE_MS = 4 * 60_000;

/**
 * The caption screen's link to a talk: joins captions-only (no audio place taken), follows the
 * language's caption channel, and holds the listener WebSocket, which counts the screen as a
 * listener of its language (captions are only translated and published for languages with a
 * connected listener) and replays the lines said before it opened. Whenever either drops, both
 * close and it joins again with backoff (a fresh token: the screen runs for hours, a token for minutes).
 */
export function followCaptions(target: ScreenTarget, onState: (s: ScreenState) => void): void {
  let state: ScreenState = { title: "", captions: emptyCaptionLog, ended: false, following: false };
  const set = (patch: Partial<ScreenState>) => {
    state = { ...state, ...patch };
    onState(state);
  };
  let attempt = 0;
  const retry = (problem: string) => {
    set({ problem, following: false });
    setTimeout(connect, reconnectDelayMs(attempt++));
  };
  const connect = async (): Promise<void> => {
    let join: JoinResponse;
    let config: Awaited<ReturnType<typeof loadConfig>>;
    try {
      config = await loadConfig();
      const session = await getSession(config, target.sessionId);
      set({ title: session.title });
      if (session.status === "ended") return set({ ended: true, problem: undefined });
      const offered = [session.sourceLanguage, ...session.targetLanguages];
      if (!offered.includes(target.language)) {
        return set({ problem: `This talk has no captions in "${target.language}": use one of ${offered.join(", ")}.` });
      }
      join = await joinSession(config, target.sessionId, { language: target.language, captionsOnly: true });
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 404) {
        return set({
          problem: `There is no talk ${target.sessionId}: open the caption screen from the console again.`,
        });
      }
      if (err instanceof ApiFailure && (err.status === 403 || err.status === 409)) return set({ problem: err.message });
      return retry("Reconnecting…");
    }
    const onMessage = (m: ListenerServerMessage) => {
      if (m.type === "caption") set({ captions: addCaption(state.captions, m) });
      else if (m.type === "partial") set({ captions: setPartial(state.captions, m.text) });
      else if (m.type === "session-status" && m.status === "ended") set({ ended: true });
    };
    const hello = () =>
      socket.send(JSON.stringify({ action: "hello", lastSeq: lastSeqOf(state.captions, target.language) }));
    let down = false;
    const lost = () => {
      if (down) return;
      down = true;
      clearInterval(keepAlive);
      feed.close();
      socket.close();
      if (!state.ended) retry("Reconnecting…");
    };
    const url = new URL(join.webSocketUrl);
    url.search = new URLSearchParams({
      role: "listener",
      sessionId: target.sessionId,
      token: join.listenerToken,
    }).toString();
    const socket = new WebSocket(url);
    const keepAlive = setInterval(hello, SOCKET_KEEPALIVE_MS);
    socket.onmessage = (e) => {
      const m = parseServerMessage(e.data);
      if (m) onMessage(m);
    };
    socket.onclose = lost;
    let opened = false;
    let subscribed = false;
    // Following once both are up: counted as a listener, and subscribed to what gets published.
    const up = () => {
      if (!opened || !subscribed) return;
      attempt = 0;
      set({ problem: undefined, following: true });
      // What was said before: replayed on the socket (shown once, by seq).
      hello();
    };
    socket.onopen = () => {
      opened = true;
      up();
    };
    const feed = new EventSubscriber({
      ...config.events,
      token: join.listenerToken,
      channel: feedChannel(target.sessionId, target.language),
      onSubscribed: () => {
        subscribed = true;
        up();
      },
      onEvent: (event) => {
        if (isFeedEvent(event)) onMessage(event);
      },
      onClose: lost,
    });
  };
  void connect();
}
