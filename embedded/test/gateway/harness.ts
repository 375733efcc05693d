import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConfigDocument, captionChannel, type ServerMessage } from "@babelcast/protocol";
import WebSocket from "ws";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import type { EmbeddedSettings } from "../../src/embeddedSettings.js";
import { WEBSOCKET_LIMITS } from "../../src/gateway/webSocketLimits.js";
import { type EventSubscriber as EventApiSubscriber, openSubscriber } from "../appsyncEvents/eventApiClient.js";

/** A real embedded server on a temp data dir, with small helpers to call its API as the pages do. */
export interface Harness {
  readonly server: RunningEmbeddedServer;
  readonly dataDir: string;
  readonly apiUrl: string;
  readonly ownerToken: string;
  api(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<ApiReply>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ApiReply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are checked by the tests' assertions and schemas
  readonly json: any;
  readonly text: string;
  readonly headers: Headers;
}

export async function startHarness(settings: EmbeddedSettings = {}, dataDir?: string): Promise<Harness> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "babelcast-sessions-"));
  let server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir: dir, settings });
  const harness: Harness = {
    get server() {
      return server;
    },
    dataDir: dir,
    get apiUrl() {
      return server.context.config.apiUrl;
    },
    get ownerToken() {
      return server.context.ownerToken;
    },
    async api(method, path, body, token, headers = {}) {
      const res = await fetch(`${server.context.config.apiUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text, headers: res.headers };
    },
    async restart() {
      await server.close();
      server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir: dir, settings });
    },
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Sends one text message in frames of at most API Gateway's frame size (32 KB); larger frames close the connection. */
export function sendInFrames(ws: WebSocket, text: string): void {
  const bytes = Buffer.from(text);
  const frame = WEBSOCKET_LIMITS.frameBytes;
  for (let start = 0; start === 0 || start < bytes.length; start += frame)
    ws.send(bytes.subarray(start, start + frame), { binary: false, fin: start + frame >= bytes.length });
}

/** A WebSocket client that collects what the server sends. */
export interface TestSocket {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[];
  readonly binary: Buffer[];
  send(message: unknown): void;
  /** Sends as a client that splits messages into frames of at most API Gateway's frame size (browsers do not). */
  sendInFrames(message: unknown): void;
  /** Adds a message as if it had arrived (a listener's caption feed delivers into the same list). */
  deliver(message: ServerMessage): void;
  /** Resolves with the first message (already received or later) that matches. */
  next<T extends ServerMessage["type"]>(
    type: T,
    timeoutMs?: number,
    where?: (m: Extract<ServerMessage, { type: T }>) => boolean,
  ): Promise<Extract<ServerMessage, { type: T }>>;
  close(): Promise<void>;
}

export function wsUrl(h: Harness, query: Record<string, string>): string {
  return `${h.server.context.config.webSocketUrl}?${new URLSearchParams(query)}`;
}

export function openSocket(url: string): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: ServerMessage[] = [];
    const binary: Buffer[] = [];
    const waiters: (() => void)[] = [];
    const deliver = (message: ServerMessage) => {
      messages.push(message);
      for (const w of waiters.splice(0)) w();
    };
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        binary.push(data as Buffer);
        for (const w of waiters.splice(0)) w();
      } else deliver(JSON.parse(data.toString()));
    });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () =>
        reject(
          Object.assign(new Error(`upgrade refused ${res.statusCode}: ${body}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once("error", reject);
    ws.once("open", () => {
      const socket: TestSocket = {
        ws,
        messages,
        binary,
        send: (m) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
        sendInFrames: (m) => sendInFrames(ws, typeof m === "string" ? m : JSON.stringify(m)),
        deliver,
        next(type, timeoutMs = 5000, where = () => true) {
          return new Promise((res, rej) => {
            const seen = new Set<unknown>();
            const check = () => {
              const found = messages.find((m) => m.type === type && !seen.has(m) && where(m as never));
              if (found) {
                res(found as never);
                return true;
              }
              return false;
            };
            if (check()) return;
            const timer = setTimeout(
              () => rej(new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)),
              timeoutMs,
            );
            const wait = () => {
              if (check()) clearTimeout(timer);
              else waiters.push(wait);
            };
            waiters.push(wait);
          });
        },
        close: () =>
          new Promise((res) => {
            if (ws.readyState === ws.CLOSED) return res();
            ws.once("close", () => res());
            ws.close();
          }),
      };
      resolve(socket);
    });
  });
}

/**
 * A listener as the page is one: its WebSocket (presence, language, replay) and its
 * language's caption channel on the Event API. Captions, partials and status from the
 * channel land in the same `messages` as the WebSocket's replies, so a test reads one list.
 */
export interface TestListener extends TestSocket {
  readonly feed: EventApiSubscriber;
  /** Moves to another language as the page does: subscribes to its channel, drops the old one, tells the WebSocket. */
  switchLanguage(language: string): Promise<void>;
}

export async function openListener(
  config: Pick<ConfigDocument, "webSocketUrl" | "events">,
  sessionId: string,
  token: string,
  language: string,
): Promise<TestListener> {
  const socket = await openSocket(
    `${config.webSocketUrl}?${new URLSearchParams({ role: "listener", sessionId, token })}`,
  );
  const feed = await openSubscriber(config.events, token).catch(async (err) => {
    await socket.close();
    throw err;
  });
  let subscription = 0;
  let current = "";
  feed.ws.on("message", (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id?: string; event?: string };
    if (frame.type === "data" && frame.id === current && frame.event) socket.deliver(JSON.parse(frame.event));
  });
  const subscribe = async (lang: string) => {
    const id = `sub-${++subscription}`;
    const answer = await feed.subscribe(id, captionChannel(sessionId, lang));
    if (answer.type !== "subscribe_success") throw new Error(`subscription refused: ${JSON.stringify(answer)}`);
    const previous = current;
    current = id;
    if (previous) feed.send({ type: "unsubscribe", id: previous });
  };
  try {
    const ack = await feed.init();
    if (ack.type !== "connection_ack") throw new Error(`caption feed refused: ${JSON.stringify(ack)}`);
    await subscribe(language);
  } catch (err) {
    feed.close();
    await socket.close();
    throw err;
  }
  return {
    ...socket,
    feed,
    async switchLanguage(lang) {
      await subscribe(lang);
      socket.send({ action: "language", language: lang });
    },
    async close() {
      feed.close();
      await socket.close();
    },
  };
}

/** The API Gateway connection id of a session's first socket: only the gateway and the connections table know it. */
export async function findConnectionId(h: Harness, sessionId: string): Promise<string> {
  const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
  const { DynamoDBDocumentClient, QueryCommand } = await import("@aws-sdk/lib-dynamodb");
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: h.server.context.region,
      endpoint: h.server.context.config.endpoints?.dynamodb,
      credentials: h.server.context.credentials,
    }),
  );
  try {
    for (let i = 0; i < 50; i++) {
      const out = await db.send(
        new QueryCommand({
          TableName: "BabelcastConnections",
          IndexName: "bySession",
          KeyConditionExpression: "sessionId = :s",
          ExpressionAttributeValues: { ":s": sessionId },
        }),
      );
      const id = out.Items?.[0]?.connectionId;
      if (id) return id as string;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    db.destroy();
  }
  throw new Error("no connection row");
}
