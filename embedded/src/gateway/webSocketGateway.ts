import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import type { ConnectionIdentity } from "@babelcast/backend/handlers/ws/connectAuthorizer.js";
import type { WsEvent, WsResult } from "@babelcast/backend/handlers/ws/webSocketApi.js";
import { ApiFailure } from "@babelcast/backend/services/apiErrors.js";
import { type WebSocket, WebSocketServer } from "ws";
import { selectWsRoute } from "./wsRouteSelection.js";

/** A live WebSocket of the embedded gateway. */
export interface GatewayConnection {
  readonly connectionId: string;
  readonly socket: WebSocket;
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
}

export interface WebSocketGatewayOptions {
  /** The `$connect` authorizer: the identity, or an ApiFailure saying why not. */
  readonly authorize: (query: Record<string, string>) => Promise<ConnectionIdentity>;
  readonly handler: (event: WsEvent) => Promise<WsResult>;
  readonly domainName: string;
  readonly stage: string;
  readonly log: Logger;
  /** Frames above this close the connection (API Gateway: 128 KB messages). */
  readonly maxPayloadBytes?: number;
  readonly pingIntervalMs?: number;
}

/** API Gateway connection ids look like `L0SM9cOFvHcCIhw=`: 12 random bytes, base64 without `/`. */
function newConnectionId(): string {
  return randomBytes(12).toString("base64").replace(/\//g, "_").replace(/\+/g, "-");
}

function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 410: "Gone" }[status];
  socket.end(
    `HTTP/1.1 ${status} ${reason ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The WebSocket half of the embedded API Gateway: upgrades are authorized like a `$connect`
 * REQUEST authorizer, then connects, messages (route chosen by `action`) and disconnects
 * become API Gateway WebSocket events for the handler. Replies go out only through the
 * Management API endpoint, which writes to `connections`.
 */
export class WebSocketGateway {
  readonly connections = new Map<string, GatewayConnection>();
  private readonly wss: WebSocketServer;
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private readonly alive = new WeakSet<WebSocket>();
  private closing = false;

  constructor(private readonly options: WebSocketGatewayOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 128 * 1024 });
    // Phones vanish without a close: ping, and drop what does not answer (API Gateway's idle timeout does the same).
    this.pingTimer = setInterval(() => {
      for (const c of this.connections.values()) {
        if (!this.alive.has(c.socket)) {
          c.socket.terminate();
          continue;
        }
        this.alive.delete(c.socket);
        c.socket.ping();
      }
    }, options.pingIntervalMs ?? 30_000);
    this.pingTimer.unref();
  }

  private baseContext(c: { connectionId: string; connectedAt: number; sourceIp: string; userAgent: string }) {
    return {
      connectionId: c.connectionId,
      connectedAt: c.connectedAt,
      domainName: this.options.domainName,
      stage: this.options.stage,
      apiId: "embedded",
      requestId: randomUUID(),
      extendedRequestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      messageDirection: "IN" as const,
      identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
    };
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.upgrade(req, socket, head).catch((err) => {
      this.options.log.error("websocket upgrade failed", { error: String(err) });
      if (!socket.destroyed) rejectUpgrade(socket, 500, "InternalError", "the server failed to open this connection");
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://local");
    const query = Object.fromEntries(url.searchParams);
    let identity: ConnectionIdentity;
    try {
      identity = await this.options.authorize(query);
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      rejectUpgrade(socket, err.status, err.code, err.message);
      return;
    }
    const now = Date.now();
    const base = {
      connectionId: newConnectionId(),
      connectedAt: now,
      sourceIp: req.socket.remoteAddress ?? "unknown",
      userAgent: String(req.headers["user-agent"] ?? ""),
    };
    const authorizer = { ...identity, principalId: identity.ownerId ?? identity.listenerId ?? "anonymous" };
    const connect = await this.options.handler({
      requestContext: { ...this.baseContext(base), routeKey: "$connect", eventType: "CONNECT", authorizer },
      isBase64Encoded: false,
    } as unknown as WsEvent);
    if (connect.statusCode >= 400) {
      rejectUpgrade(socket, connect.statusCode, "ConnectRefused", connect.body ?? "the connection was refused");
      return;
    }
    if (socket.destroyed) {
      await this.disconnected(base, authorizer, 1006, "client left during connect");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: GatewayConnection = { ...base, socket: ws, lastActiveAt: now };
      this.connections.set(base.connectionId, connection);
      this.alive.add(ws);
      ws.on("pong", () => this.alive.add(ws));
      ws.on("message", (data, isBinary) => {
        connection.lastActiveAt = Date.now();
        this.alive.add(ws);
        const body = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        const text = body.toString("utf8");
        const routeKey = isBinary ? "$default" : selectWsRoute(text);
        void this.options
          .handler({
            requestContext: {
              ...this.baseContext(base),
              routeKey,
              eventType: "MESSAGE",
              messageId: randomBytes(9).toString("base64"),
              authorizer,
            },
            body: text,
            isBase64Encoded: false,
          } as unknown as WsEvent)
          .catch((err) => this.options.log.error("websocket handler failed", { routeKey, error: String(err) }));
      });
      ws.on("close", (code, reason) => {
        this.connections.delete(base.connectionId);
        // While the server stops, the tables are going away too: the next start clears these rows.
        if (!this.closing) void this.disconnected(base, authorizer, code, reason.toString());
      });
      ws.on("error", () => ws.terminate());
    });
  }

  private async disconnected(
    base: { connectionId: string; connectedAt: number; sourceIp: string; userAgent: string },
    authorizer: Record<string, unknown>,
    code: number,
    reason: string,
  ): Promise<void> {
    await this.options
      .handler({
        requestContext: {
          ...this.baseContext(base),
          routeKey: "$disconnect",
          eventType: "DISCONNECT",
          disconnectStatusCode: code,
          disconnectReason: reason,
          authorizer,
        },
        isBase64Encoded: false,
      } as unknown as WsEvent)
      .catch((err) => this.options.log.error("disconnect handler failed", { error: String(err) }));
  }

  /** Closes every socket, without `$disconnect` events (see `clearStaleConnections`). */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.pingTimer);
    const closing = [...this.connections.values()].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.socket.once("close", () => resolve());
          c.socket.close(1001, "server stopping");
          setTimeout(() => {
            c.socket.terminate();
            resolve();
          }, 1000).unref();
        }),
    );
    await Promise.all(closing);
    this.wss.close();
  }
}
