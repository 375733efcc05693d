import {
  captionChannel,
  type JoinAudio,
  type JoinRequest,
  PATHS,
  REPLAY_PAGE_CAPTIONS,
  type SessionPublic,
} from "@babelcast/protocol";
import type { Page, WebSocketRoute } from "@playwright/test";

type Json = Record<string, unknown>;

/** One connection of the page to the caption Event API, and its subscription. */
export interface MockFeed {
  readonly route: WebSocketRoute;
  /** Every frame the page sent, in order. */
  readonly received: Json[];
  channel?: string;
  id?: string;
  authorization?: unknown;
  /** subscribe_success was sent. */
  subscribed: boolean;
  /** The page closed it (or the test did). */
  closed: boolean;
}

/**
 * A scripted HTTP, WebSocket and caption Event API for the listener page: the page and
 * config come from the real embedded server, the session routes, the listener WebSocket and
 * the realtime endpoint of `config.events` from here, so the page's behaviour is tested
 * before (and independently of) the sessions backend and the Event API.
 *
 * The realtime endpoint speaks the AppSync Events WebSocket protocol as far as the page uses
 * it (connection_init → connection_ack, subscribe → subscribe_success/subscribe_error, data);
 * the WebSocket answers `hello {lastSeq}` as the backend does: it replays the captions
 * published in the listener's language after lastSeq.
 */
export class ListenerMockApi {
  session: SessionPublic;
  audio: JoinAudio = { mode: "captions-only", reason: "audio capacity of 100 listeners is full" };
  readonly joins: JoinRequest[] = [];
  /** Joins to drop at the network level before answering (bad Wi-Fi). */
  dropJoins = 0;
  readonly refreshes: { listenerId: string; body: unknown }[] = [];
  /** Every listener WebSocket the page opened, newest last, with what it sent. */
  readonly sockets: { route: WebSocketRoute; url: URL; received: Record<string, unknown>[] }[] = [];
  /** Every Event API connection the page opened, newest last. */
  readonly feeds: MockFeed[] = [];
  /** While true, the listener WebSocket drops every connection at once (not listed in `sockets`). */
  socketsDown = false;
  /** Subscriptions to refuse, as AppSync Events refuses an expired token. */
  refuseSubscriptions = 0;
  /** While true, subscriptions wait for `releaseSubscriptions()`. */
  holdSubscriptions = false;
  /** Every caption published, by channel: what `hello` replays. */
  private readonly published = new Map<string, Json[]>();
  /** The language the listener's WebSocket last asked for (the backend stores it before acknowledging). */
  private listenerLanguage?: string;
  private tokens = 0;

  constructor(
    private readonly baseUrl: string,
    session: Partial<SessionPublic> = {},
  ) {
    this.session = {
      id: "amber-harbor-482",
      title: "Keynote: speaking every language",
      sourceLanguage: "en",
      targetLanguages: ["es", "fr", "de"],
      status: "live",
      muted: false,
      passcodeRequired: false,
      transcriptPublic: false,
      ...session,
    };
  }

  get pageUrl(): string {
    return `${this.baseUrl}/s/${this.session.id}`;
  }

  get lastSocket() {
    return this.sockets.at(-1);
  }

  get lastFeed(): MockFeed | undefined {
    return this.feeds.at(-1);
  }

  /** Open feeds subscribed to the channel of `language`. */
  subscribers(language: string): MockFeed[] {
    const channel = captionChannel(this.session.id, language);
    return this.feeds.filter((f) => f.subscribed && !f.closed && f.channel === channel);
  }

  async install(page: Page): Promise<void> {
    const api = `${this.baseUrl}/api/sessions/`;
    await page.route(`${api}**`, async (route) => {
      const url = new URL(route.request().url());
      const [, , , id, sub, listenerId, action] = url.pathname.split("/");
      if (id !== this.session.id) return route.fulfill({ status: 404, json: error("NotFound", "no such session") });
      if (!sub && route.request().method() === "GET") return route.fulfill({ json: this.session });
      if (sub === "listeners" && !listenerId && route.request().method() === "POST") {
        if (this.dropJoins > 0) {
          this.dropJoins -= 1;
          return route.abort("internetdisconnected");
        }
        const body = route.request().postDataJSON() as JoinRequest;
        this.joins.push(body);
        this.listenerLanguage = body.language;
        return route.fulfill({ json: this.joinResponse(body.listenerId ?? "lst_mock_0001", body.language) });
      }
      if (sub === "listeners" && listenerId && action === "refresh") {
        this.refreshes.push({ listenerId, body: route.request().postDataJSON() });
        const { webSocketUrl: _w, session: _s, ...fresh } = this.joinResponse(listenerId, this.joins.at(-1)?.language);
        return route.fulfill({ json: fresh });
      }
      return route.fulfill({ status: 404, json: error("NotFound", `mock has no ${url.pathname}`) });
    });
    await page.routeWebSocket(
      (url) => url.pathname === "/ws",
      (route) => {
        if (this.socketsDown) {
          route.close({ code: 1006 });
          return;
        }
        const entry = { route, url: new URL(route.url()), received: [] as Record<string, unknown>[] };
        this.sockets.push(entry);
        route.onMessage((m) => {
          const message = JSON.parse(String(m)) as Json;
          entry.received.push(message);
          if (message.action === "language") this.listenerLanguage = String(message.language);
          if (message.action === "hello") this.replay(route, Number(message.lastSeq));
        });
      },
    );
    await page.routeWebSocket(
      (url) => url.pathname === `${PATHS.appsyncEvents}/event/realtime`,
      (route) => {
        const feed: MockFeed = { route, received: [], subscribed: false, closed: false };
        this.feeds.push(feed);
        route.onClose(() => {
          feed.closed = true;
        });
        route.onMessage((m) => {
          const message = JSON.parse(String(m)) as Json;
          feed.received.push(message);
          if (message.type === "connection_init")
            route.send(JSON.stringify({ type: "connection_ack", connectionTimeoutMs: 300_000 }));
          if (message.type === "subscribe") {
            feed.channel = String(message.channel);
            feed.id = String(message.id);
            feed.authorization = message.authorization;
            if (this.refuseSubscriptions > 0) {
              this.refuseSubscriptions -= 1;
              route.send(
                JSON.stringify({
                  type: "subscribe_error",
                  id: feed.id,
                  errors: [{ errorType: "UnauthorizedException", message: "Token expired" }],
                }),
              );
            } else if (!this.holdSubscriptions) this.acceptSubscription(feed);
          }
        });
      },
    );
  }

  /** Answers the subscriptions held by `holdSubscriptions`. */
  releaseSubscriptions(): void {
    this.holdSubscriptions = false;
    for (const feed of this.feeds) if (feed.id && !feed.subscribed && !feed.closed) this.acceptSubscription(feed);
  }

  private acceptSubscription(feed: MockFeed): void {
    feed.subscribed = true;
    feed.route.send(JSON.stringify({ type: "subscribe_success", id: feed.id }));
  }

  /** Publishes an event to the caption channel of `language`: each subscribed feed gets it once. */
  publish(language: string, event: Json): void {
    const channel = captionChannel(this.session.id, language);
    if (event.type === "caption") this.published.set(channel, [...(this.published.get(channel) ?? []), event]);
    for (const feed of this.subscribers(language)) {
      feed.route.send(JSON.stringify({ type: "data", id: feed.id, event: JSON.stringify(event) }));
    }
  }

  /** Session status goes to every language's channel, as the backend publishes it. */
  status(status: SessionPublic["status"], muted = false): void {
    for (const language of [this.session.sourceLanguage, ...this.session.targetLanguages]) {
      this.publish(language, { type: "session-status", status, muted });
    }
  }

  /**
   * What the backend does on `hello {lastSeq}`: resends the captions after lastSeq in the
   * listener's language, at most a page of them, oldest first.
   */
  private replay(route: WebSocketRoute, lastSeq: number): void {
    const language = this.listenerLanguage ?? this.session.sourceLanguage;
    const captions = this.published.get(captionChannel(this.session.id, language)) ?? [];
    const after = captions.filter((c) => Number(c.seq) > lastSeq).sort((a, b) => Number(a.seq) - Number(b.seq));
    for (const caption of after.slice(0, REPLAY_PAGE_CAPTIONS)) route.send(JSON.stringify(caption));
  }

  /** Sends a server message to the page's current listener socket. */
  send(message: Record<string, unknown>): void {
    this.lastSocket?.route.send(JSON.stringify(message));
  }

  /** Publishes a caption to its language's channel (where the backend publishes captions). */
  caption(language: string, seq: number, text: string, spokenEndAt = Date.now() - 2000): void {
    this.publish(language, { type: "caption", language, seq, segmentSeq: seq, text, sourceText: text, spokenEndAt });
  }

  private joinResponse(listenerId: string, language = "en") {
    this.tokens += 1;
    return {
      listenerId,
      listenerToken: `token-${this.tokens}`,
      language,
      audio: this.audio,
      webSocketUrl: `${this.baseUrl.replace(/^http/, "ws")}/ws`,
      session: this.session,
    };
  }
}

const error = (code: string, message: string) => ({ error: { code, message } });
