import type { ConsoleMessage } from "@babelcast/protocol";
import { reconnectDelayMs } from "@babelcast/protocol/backoff";
import type { CommittedSegment } from "../recognition/committedSegment.js";
import { segmentMessage } from "./segmentMessage.js";

export type SocketState = "connecting" | "open" | "reconnecting" | "closed";

export interface ControlSocketEvents {
  onJson(message: unknown): void;
  onBinary(frame: ArrayBuffer): void;
  onState(state: SocketState): void;
}

/** Segments not yet known to be delivered are re-sent after a reconnect: the server drops repeats by seq. */
const RESEND_LIMIT = 50;

/**
 * The console's WebSocket to the API: segments, partials, status out; counts, progress,
 * speech frames in. Reconnects with backoff and re-sends the recent segments.
 */
export class ControlSocket {
  private ws?: WebSocket;
  private attempt = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  private readonly recentSegments: CommittedSegment[] = [];
  private lastStatus?: ConsoleMessage;
  state: SocketState = "connecting";

  constructor(
    private readonly url: () => Promise<string> | string,
    private readonly events: ControlSocketEvents,
    /** Read at the moment a segment is written: its `sentAt`. */
    private readonly now: () => number = () => Date.now(),
  ) {}

  async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(await this.url());
    } catch {
      this.retry();
      return;
    }
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState("open");
      if (this.lastStatus) ws.send(JSON.stringify(this.lastStatus));
      for (const segment of this.recentSegments) this.write(ws, segment);
    };
    ws.onmessage = (e) => {
      if (typeof e.data === "string") {
        try {
          this.events.onJson(JSON.parse(e.data));
        } catch {
          // not JSON: ignore
        }
      } else if (e.data instanceof ArrayBuffer) this.events.onBinary(e.data);
    };
    ws.onclose = () => {
      if (this.ws === ws) this.retry();
    };
  }

  private retry(): void {
    this.ws = undefined;
    if (this.stopped) return;
    this.setState("reconnecting");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), reconnectDelayMs(this.attempt++));
  }

  send(message: Exclude<ConsoleMessage, { action: "segment" }>): void {
    if (message.action === "status") this.lastStatus = message;
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Sends a committed segment now if connected, and again after a reconnect until the server confirms it. */
  sendSegment(segment: CommittedSegment): void {
    this.recentSegments.push(segment);
    if (this.recentSegments.length > RESEND_LIMIT) this.recentSegments.shift();
    if (this.ws?.readyState === WebSocket.OPEN) this.write(this.ws, segment);
  }

  /** `sentAt` is stamped here, as the bytes go out (a re-send gets the time of the re-send). */
  private write(ws: WebSocket, segment: CommittedSegment): void {
    ws.send(JSON.stringify(segmentMessage(segment, this.now())));
  }

  /** The server confirmed a segment (segment-progress): no need to re-send it. */
  acknowledge(segmentSeq: number): void {
    const i = this.recentSegments.findIndex((segment) => segment.seq === segmentSeq);
    if (i >= 0) this.recentSegments.splice(0, i + 1);
  }

  private setState(state: SocketState): void {
    this.state = state;
    this.events.onState(state);
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000);
    this.setState("closed");
  }
}
