import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import { type WebSocket, WebSocketServer } from "ws";
import type { KvsSettings } from "./kvsSettings.js";
import type { SignalingConnection, SignalingRelay, SignalingRole } from "./signalingRelay.js";

export type ConnectionTimings = Pick<
  KvsSettings,
  "maxConnectionSeconds" | "goAwayBeforeSeconds" | "idleTimeoutSeconds"
>;

/** The service's notice that it will close the connection soon (AWS's GO_AWAY). */
export const GO_AWAY_MESSAGE = JSON.stringify({ messageType: "GO_AWAY" });
export const CLOSE_MAX_DURATION = { code: 1001, reason: "maximum connection duration reached" };
export const CLOSE_IDLE = { code: 1000, reason: "idle timeout" };
export const CLOSE_SHUTDOWN = { code: 1001, reason: "the embedded server is stopping" };

/**
 * Binds the relay to WebSocket connections: accepts admitted upgrades, feeds text frames
 * to the relay, and enforces the connection timings (GO_AWAY, maximum duration, idle).
 */
export class SignalingSockets {
  private readonly wss: WebSocketServer;
  private readonly live = new Set<WebSocket>();

  constructor(
    private readonly relay: SignalingRelay,
    private readonly timings: ConnectionTimings,
    maxPayloadBytes: number,
    private readonly log: Logger,
  ) {
    // Frames far past the payload limit are hostile: ws closes those sockets with 1009.
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: Math.max(65_536, maxPayloadBytes * 2 + 4096),
    });
  }

  get size(): number {
    return this.live.size;
  }

  /** Completes an upgrade the relay has admitted; synchronous, so no other upgrade runs between. */
  accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    channelArn: string,
    role: SignalingRole,
    clientId: string | undefined,
  ): void {
    this.relay.admit(channelArn, role, clientId);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.bind(ws, channelArn, role, clientId));
  }

  private bind(ws: WebSocket, channelArn: string, role: SignalingRole, clientId: string | undefined): void {
    this.live.add(ws);
    const conn: SignalingConnection = this.relay.attach(channelArn, role, clientId, {
      send: (text) => ws.send(text),
      close: (code, reason) => ws.close(code, reason),
    });
    const { maxConnectionSeconds, goAwayBeforeSeconds, idleTimeoutSeconds } = this.timings;
    const timers = [
      setTimeout(
        () => {
          if (ws.readyState === ws.OPEN) ws.send(GO_AWAY_MESSAGE);
        },
        Math.max(0, maxConnectionSeconds - goAwayBeforeSeconds) * 1000,
      ),
      setTimeout(
        () => this.relay.evict(conn, CLOSE_MAX_DURATION.code, CLOSE_MAX_DURATION.reason),
        maxConnectionSeconds * 1000,
      ),
    ];
    const idle = setTimeout(
      () => this.relay.evict(conn, CLOSE_IDLE.code, CLOSE_IDLE.reason),
      idleTimeoutSeconds * 1000,
    );
    timers.push(idle);
    for (const t of timers) t.unref();

    ws.on("message", (data, isBinary) => {
      idle.refresh();
      if (isBinary) {
        this.relay.stats.ignored += 1;
        return;
      }
      this.relay.receive(conn, data.toString());
    });
    ws.on("ping", () => idle.refresh());
    ws.on("error", (err) => {
      this.log.warn("signaling socket error", { channelArn, role, clientId, error: String(err) });
    });
    ws.on("close", () => {
      for (const t of timers) clearTimeout(t);
      this.live.delete(ws);
      this.relay.detach(conn);
    });
  }

  /** Closes every connection (server shutdown) and waits until their sockets are gone. */
  async closeAll(): Promise<void> {
    const closing = [...this.live].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once("close", () => resolve());
          ws.close(CLOSE_SHUTDOWN.code, CLOSE_SHUTDOWN.reason);
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 1000).unref();
        }),
    );
    await Promise.all(closing);
    this.wss.close();
  }
}
