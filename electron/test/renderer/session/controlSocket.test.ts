import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommittedSegment } from "../../../src/renderer/recognition/committedSegment.js";
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

const segment = (seq: number, committedAt = 1): CommittedSegment => ({
  seq,
  text: `s${seq}`,
  startTime: 0,
  endTime: 1,
  words: [{ text: `s${seq}`, startTime: 0, endTime: 1 }],
  reason: "sentence",
  committedAt,
});
const actions = (ws: FakeWebSocket | undefined) =>
  (ws?.sent ?? []).map(
    (s) => JSON.parse(s) as { action: string; seq?: number; stages?: { committedAt: number; sentAt: number } },
  );

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
    socket.sendSegment(segment(0));
    socket.sendSegment(segment(1));
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

  it("stamps a segment's send time when it is written to the socket, not when it was committed", async () => {
    let now = 1_000;
    const socket = new ControlSocket(
      () => "ws://server/ws?role=console",
      { onJson: () => {}, onBinary: () => {}, onState: () => {} },
      () => now,
    );
    await socket.connect();
    // Committed at 1000 while the socket is still connecting: written when it opens, at 4000.
    socket.sendSegment(segment(0, 1_000));
    now = 4_000;
    const first = FakeWebSocket.instances[0];
    first?.open();
    expect(actions(first)[0]?.stages).toEqual({ committedAt: 1_000, sentAt: 4_000 });

    // Unconfirmed and re-sent after a reconnect: the re-send carries its own time.
    first?.drop();
    await vi.advanceTimersByTimeAsync(1000);
    now = 9_000;
    FakeWebSocket.instances[1]?.open();
    expect(actions(FakeWebSocket.instances[1])[0]?.stages).toEqual({ committedAt: 1_000, sentAt: 9_000 });
    socket.close();
  });
});
