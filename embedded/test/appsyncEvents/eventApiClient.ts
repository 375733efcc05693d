import { request } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import WebSocket from "ws";
import type { ResolvedCredentials } from "../../src/auth/sigv4Verifier.js";

/**
 * Clients of the embedded AppSync Events API, as a listener page and the backend use it: a
 * realtime subscriber (subprotocols `aws-appsync-event-ws` + `header-<base64url auth>`) and a
 * SigV4-signed HTTP publisher. For any test that needs captions from the Event API.
 */

// biome-ignore lint/suspicious/noExplicitAny: frames are checked by the tests' assertions
export type EventFrame = { type: string; id?: string; [key: string]: any };

export interface EventSubscriber {
  readonly ws: WebSocket;
  readonly frames: EventFrame[];
  /** Sends any JSON value (or raw text) as one text frame. */
  send(message: unknown): void;
  /** Resolves with the first frame (received or to come) of this type that matches. */
  next(type: string, where?: (frame: EventFrame) => boolean, timeoutMs?: number): Promise<EventFrame>;
  /** `connection_init`, then the `connection_ack` (or `connection_error`) frame. */
  init(): Promise<EventFrame>;
  /** `subscribe` with the subscriber's auth object; resolves with `subscribe_success` or `subscribe_error`. */
  subscribe(id: string, channel: string): Promise<EventFrame>;
  /** The parsed events delivered so far to one subscription. */
  events(id: string): unknown[];
  /** Resolves once the socket is closed, with its close code. */
  closed(): Promise<number>;
  close(): void;
}

/** The auth object of a Lambda-authorized client: the HTTP endpoint's host and the token. */
export function authObject(httpUrl: string, token: string): Record<string, string> {
  return { host: new URL(httpUrl).host, Authorization: token };
}

/** `header-<base64url(JSON)>`, no padding, as Amplify builds it. */
export function headerSubprotocol(auth: Record<string, string>): string {
  return `header-${Buffer.from(JSON.stringify(auth)).toString("base64url")}`;
}

/**
 * Opens a realtime connection to `realtimeUrl` with the listener token `token` (pass
 * `protocols` to offer something else); resolves once the socket is open.
 */
export function openSubscriber(
  endpoints: { httpUrl: string; realtimeUrl: string },
  token: string,
  protocols?: string[],
): Promise<EventSubscriber> {
  const auth = authObject(endpoints.httpUrl, token);
  const ws = new WebSocket(endpoints.realtimeUrl, protocols ?? ["aws-appsync-event-ws", headerSubprotocol(auth)]);
  const frames: EventFrame[] = [];
  const waiters = new Set<() => void>();
  let closeCode: number | undefined;
  ws.on("message", (data) => {
    frames.push(JSON.parse(data.toString()) as EventFrame);
    for (const w of [...waiters]) w();
  });
  ws.on("close", (code) => {
    closeCode = code;
    for (const w of [...waiters]) w();
  });
  const subscriber: EventSubscriber = {
    ws,
    frames,
    send: (m) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
    next(type, where = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find((f) => f.type === type && where(f));
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async init() {
      ws.send(JSON.stringify({ type: "connection_init" }));
      return Promise.race([subscriber.next("connection_ack"), subscriber.next("connection_error")]);
    },
    async subscribe(id, channel) {
      const start = frames.length;
      ws.send(JSON.stringify({ type: "subscribe", id, channel, authorization: auth }));
      // Only the answer to this subscribe (an id may be refused after an earlier success).
      const mine = (f: EventFrame) => f.id === id && frames.indexOf(f) >= start;
      return Promise.race([subscriber.next("subscribe_success", mine), subscriber.next("subscribe_error", mine)]);
    },
    events: (id) => frames.filter((f) => f.type === "data" && f.id === id).map((f) => JSON.parse(f.event as string)),
    closed() {
      return new Promise((resolve) => {
        if (closeCode !== undefined) return resolve(closeCode);
        const check = () => {
          if (closeCode !== undefined) {
            waiters.delete(check);
            resolve(closeCode);
          }
        };
        waiters.add(check);
      });
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(subscriber));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () =>
        reject(Object.assign(new Error(`upgrade refused ${res.statusCode}: ${body}`), { status: res.statusCode })),
      );
    });
    ws.once("error", reject);
  });
}

export interface PublishReply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are checked by the tests' assertions
  readonly json: any;
}

/**
 * `POST <httpUrl>` with `{channel, events}`, SigV4-signed (service `appsync`) with `credentials`
 * unless they are undefined; `body` replaces the JSON body (malformed requests).
 */
export async function publishEvents(
  httpUrl: string,
  credentials: ResolvedCredentials | undefined,
  region: string,
  channel: string,
  events: readonly string[],
  body?: string,
): Promise<PublishReply> {
  const url = new URL(httpUrl);
  const text = body ?? JSON.stringify({ channel, events });
  let headers: Record<string, string> = { host: url.host, "content-type": "application/json" };
  if (credentials) {
    const signer = new SignatureV4({ credentials, region, service: "appsync", sha256: Sha256 });
    const signed = await signer.sign(
      new HttpRequest({
        method: "POST",
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        headers,
        body: text,
      }),
    );
    headers = signed.headers as Record<string, string>;
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          json = raw;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on("error", reject);
    req.end(text);
  });
}
