import type { JoinAudio, JoinRequest, SessionPublic } from "@babelcast/protocol";
import type { Page, WebSocketRoute } from "@playwright/test";

/**
 * A scripted HTTP and WebSocket API for the listener page: the page and config come from
 * the real embedded server, the session routes and the listener WebSocket from here, so
 * the page's behaviour is tested before (and independently of) the sessions backend.
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
        const entry = { route, url: new URL(route.url()), received: [] as Record<string, unknown>[] };
        this.sockets.push(entry);
        route.onMessage((m) => entry.received.push(JSON.parse(String(m))));
      },
    );
  }

  /** Sends a server message to the page's current listener socket. */
  send(message: Record<string, unknown>): void {
    this.lastSocket?.route.send(JSON.stringify(message));
  }

  caption(language: string, seq: number, text: string, spokenEndAt = Date.now() - 2000): void {
    this.send({ type: "caption", language, seq, segmentSeq: seq, text, sourceText: text, spokenEndAt });
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
