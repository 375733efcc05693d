import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ControlSocket, type SocketState } from "../../../src/renderer/session/controlSocket.js";

class FakeWebSocket {
  static readonly OPEN = 1;
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  binaryType = "blob";
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

const segment = (seq: number) => ({
  action: "segment" as const,
  seq,
  text: `s${seq}`,
  startTime: 0,
  endTime: 1,
  stages: { committedAt: 1, sentAt: 1 },
});
const actions = (ws: FakeWebSocket | undefined) =>
  (ws?.sent ?? []).map((s) => JSON.parse(s) as { action: string; seq?: number });

describe("control socket", () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal("WebSocket", FakeWebSocket);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("sends the status and unconfirmed segments when it (re)connects, and routes text and binary frames", async () => {
    const json: unknown[] = [];
    const binary: ArrayBuffer[] = [];
    const states: SocketState[] = [];
    const socket = new ControlSocket(() => "ws://server/ws?role=console", {
      onJson: (m) => json.push(m),
      onBinary: (f) => binary.push(f),
      onState: (s) => states.push(s),
    });
    await socket.connect();
    socket.send({ action: "status", status: "live", muted: false });
    socket.send(segment(0));
    socket.send(segment(1));
    const first = FakeWebSocket.instances[0];
    first?.open();
    expect(actions(first)).toEqual([
      { action: "status", status: "live", muted: false },
      ...[0, 1].map((s) => expect.objectContaining({ action: "segment", seq: s })),
    ]);

    first?.onmessage?.({ data: JSON.stringify({ type: "listener-counts" }) });
    first?.onmessage?.({ data: new ArrayBuffer(4) });
    expect(json).toEqual([{ type: "listener-counts" }]);
    expect(binary).toHaveLength(1);

    // Segment 0 was confirmed (segment-progress); the connection drops; 1 is sent again.
    socket.acknowledge(0);
    first?.drop();
    expect(states.at(-1)).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeWebSocket.instances[1];
    second?.open();
    expect(actions(second).map((m) => [m.action, m.seq])).toEqual([
      ["status", undefined],
      ["segment", 1],
    ]);
    socket.close();
    expect(states.at(-1)).toBe("closed");
  });
});
