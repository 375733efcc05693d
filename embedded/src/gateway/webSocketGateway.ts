import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import type { ConnectionIdentity } from "@babelcast/backend/handlers/ws/connectAuthorizer.js";
import type { WsEvent, WsResult } from "@babelcast/backend/handlers/ws/webSocketApi.js";
import { ApiFailure } from "@babelcast/backend/services/apiErrors.js";
import { type WebSocket, WebSocketServer } from "ws";
import { FrameLengthWatch } from "./frameLengthWatch.js";
import { CLOSE_CODES, WEBSOCKET_LIMITS, type WebSocketTimeoutSettings } from "./webSocketLimits.js";
import { selectWsRoute } from "./wsRouteSelection.js";

/** A live WebSocket of the embedded gateway. */
export interface GatewayConnection {
  readonly connectionId: string;
  readonly socket: WebSocket;
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  /** Fires after `idleTimeoutMs` without a message either way; refreshed by each one. */
  readonly idleTimer: ReturnType<typeof setTimeout>;
}

export interface WebSocketGatewayOptions {
  /** The `$connect` authorizer: the identity, or an ApiFailure saying why not. */
  readonly authorize: (query: Record<string, string>) => Promise<ConnectionIdentity>;
  readonly handler: (event: WsEvent) => Promise<WsResult>;
  readonly domainName: string;
  readonly stage: string;
  readonly log: Logger;
  /** Idle and maximum connection times (settings section `webSocket`); API Gateway's by default. */
  readonly timeouts?: Partial<WebSocketTimeoutSettings>;
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

/** A message either way keeps a connection from its idle timeout. */
function markActive(connection: GatewayConnection): void {
  connection.lastActiveAt = Date.now();
  connection.idleTimer.refresh();
}

/**
 * PostToConnection's delivery: the data goes out as one text message (API Gateway sends no
 * binary frames), split into frames of at most 32 KB as API Gateway splits it.
 */
export function postToConnection(connection: GatewayConnection, data: Buffer): void {
  const { frameBytes } = WEBSOCKET_LIMITS;
  for (let start = 0; start === 0 || start < data.length; start += frameBytes) {
    const fin = start + frameBytes >= data.length;
    connection.socket.send(data.subarray(start, start + frameBytes), { binary: false, fin, compress: false });
  }
  markActive(connection);
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
  private readonly idleTimeoutMs: number;
  private readonly maxConnectionMs: number;
  private closing = false;

  constructor(private readonly options: WebSocketGatewayOptions) {
    // `ws` closes with 1009 past this many bytes in one message, all frames counted.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: WEBSOCKET_LIMITS.messageBytes });
    this.idleTimeoutMs = options.timeouts?.idleTimeoutMs ?? WEBSOCKET_LIMITS.idleTimeoutMs;
    this.maxConnectionMs = options.timeouts?.maxConnectionMs ?? WEBSOCKET_LIMITS.maxConnectionMs;
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
      let refused = false;
      const refuse = (code: number, reason: string) => {
        refused = true;
        ws.close(code, reason);
      };
      const idleTimer = setTimeout(() => refuse(CLOSE_CODES.goingAway, "Idle timeout"), this.idleTimeoutMs);
      const lifetime = setTimeout(
        () => refuse(CLOSE_CODES.goingAway, "Connection duration exceeded"),
        this.maxConnectionMs,
      );
      idleTimer.unref();
      lifetime.unref();
      const connection: GatewayConnection = { ...base, socket: ws, lastActiveAt: now, idleTimer };
      this.connections.set(base.connectionId, connection);
      // Reads the same bytes as `ws`, before it does, so a frame over 32 KB never reaches a handler.
      const frames = new FrameLengthWatch(WEBSOCKET_LIMITS.frameBytes);
      socket.prependListener("data", (chunk: Buffer) => {
        if (!refused && frames.push(chunk) !== undefined) refuse(CLOSE_CODES.messageTooBig, "Frame too big");
      });
      ws.on("message", (data, isBinary) => {
        if (refused) return;
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-binary-media-types.html
        if (isBinary) return refuse(CLOSE_CODES.unsupportedData, "Binary frames are not supported");
        markActive(connection);
        const body = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        const text = body.toString("utf8");
        const routeKey = selectWsRoute(text);
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
        clearTimeout(idleTimer);
        clearTimeout(lifetime);
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
