import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket as NodeWebSocket, type WebSocket as ServerSocket, WebSocketServer } from "ws";
import {
  base64Url,
  EVENT_ACK_TIMEOUT_MS,
  EVENT_WS_PROTOCOL,
  EventSubscriber,
  type EventSubscriberOptions,
} from "../src/eventSubscriber.js";

// A real WebSocket server in the test speaks the AppSync Events protocol as the AWS page
// describes it (https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html):
// it stands in for the service to test this client alone.

interface Connection {
  socket: ServerSocket;
  protocols: string[];
  received: Record<string, unknown>[];
}

let server: WebSocketServer;
let realtimeUrl: string;
let connections: Connection[] = [];
/** Every frame the subscribers' sockets received. */
const clientReceived: Record<string, unknown>[] = [];
let onConnection: (c: Connection) => void = () => {};
const nextMessage = new Map<Connection, (m: Record<string, unknown>) => void>();

beforeAll(async () => {
  // Node 20 has no global WebSocket: the browser's is stood for by `ws`'s, which implements the same interface.
  // Each frame the client receives is recorded (before the subscriber handles it, in the same dispatch).
  (globalThis as { WebSocket?: unknown }).WebSocket = class extends NodeWebSocket {
    constructor(...args: ConstructorParameters<typeof NodeWebSocket>) {
      super(...args);
      this.addEventListener("message", (e) => clientReceived.push(JSON.parse(String(e.data))));
    }
  };
  server = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    // The service answers with the fixed subprotocol, and only to a client that offers it.
    handleProtocols: (protocols) => (protocols.has(EVENT_WS_PROTOCOL) ? EVENT_WS_PROTOCOL : false),
  });
  await new Promise((resolve) => server.once("listening", resolve));
  realtimeUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/event/realtime`;
  server.on("connection", (socket, request) => {
    const c: Connection = {
      socket,
      protocols: (request.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim()),
      received: [],
    };
    connections.push(c);
    socket.on("message", (data) => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      c.received.push(m);
      nextMessage.get(c)?.(m);
    });
    onConnection(c);
  });
});

afterEach(() => {
  for (const c of connections) c.socket.terminate();
  connections = [];
  onConnection = () => {};
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const send = (c: Connection, m: Record<string, unknown>) => c.socket.send(JSON.stringify(m));

/** Acks the connection and answers the subscription as `answer` says. */
function serve(answer: (c: Connection, subscribe: Record<string, unknown>) => void, connectionTimeoutMs = 300_000) {
  onConnection = (c) => {
    nextMessage.set(c, (m) => {
      if (m.type === "connection_init") send(c, { type: "connection_ack", connectionTimeoutMs });
      if (m.type === "subscribe") answer(c, m);
    });
  };
}

interface Recorded {
  events: unknown[];
  subscribed: number;
  closed: Promise<{ refused: boolean; message?: string }>;
  subscribedOnce: Promise<void>;
}

function subscribe(overrides: Partial<EventSubscriberOptions> = {}): { subscriber: EventSubscriber; r: Recorded } {
  let closed!: (v: { refused: boolean; message?: string }) => void;
  let subscribed!: () => void;
  const r: Recorded = {
    events: [],
    subscribed: 0,
    closed: new Promise((resolve) => {
      closed = resolve;
    }),
    subscribedOnce: new Promise((resolve) => {
      subscribed = resolve;
    }),
  };
  const subscriber = new EventSubscriber({
    realtimeUrl,
    httpUrl: "https://abc123.appsync-api.us-east-1.amazonaws.com/event",
    token: "listener-token-1",
    channel: "/captions/amber-harbor-482/es",
    onEvent: (e) => r.events.push(e),
    onSubscribed: () => {
      r.subscribed += 1;
      subscribed();
    },
    onClose: (refused, message) => closed({ refused, ...(message === undefined ? {} : { message }) }),
    ...overrides,
  });
  return { subscriber, r };
}

/** Polls on setImmediate, which the tests that fake the subscriber's timers leave real. */
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
};

describe("EventSubscriber", () => {
  it("offers the Event API subprotocol and the auth header (HTTP host and token, base64url), inits, then subscribes with the same authorization", async () => {
    serve((c, m) => send(c, { type: "subscribe_success", id: m.id }));
    const { subscriber, r } = subscribe();
    await r.subscribedOnce;
    const [c] = connections;
    expect(c!.protocols[0]).toBe("aws-appsync-event-ws");
    const header = c!.protocols[1]!;
    expect(header).toMatch(/^header-[A-Za-z0-9_-]+$/);
    const auth = JSON.parse(Buffer.from(header.slice("header-".length), "base64url").toString("utf8"));
    const expected = { host: "abc123.appsync-api.us-east-1.amazonaws.com", Authorization: "listener-token-1" };
    expect(auth).toEqual(expected);
    expect(c!.received.map((m) => m.type)).toEqual(["connection_init", "subscribe"]);
    expect(c!.received[1]).toEqual({
      type: "subscribe",
      id: expect.any(String),
      channel: "/captions/amber-harbor-482/es",
      authorization: expected,
    });
    expect(r.subscribed).toBe(1);
    subscriber.close();
  });

  it("delivers each data event parsed from its JSON text, in order, and ignores other subscriptions' ids and non-JSON events", async () => {
    serve((c, m) => {
      send(c, { type: "subscribe_success", id: m.id });
      send(c, { type: "data", id: m.id, event: JSON.stringify({ type: "partial", text: "hola" }) });
      send(c, { type: "data", id: "someone-else", event: JSON.stringify({ type: "partial", text: "x" }) });
      send(c, { type: "data", id: m.id, event: "not json" });
      send(c, { type: "ka" });
      send(c, { type: "data", id: m.id, event: JSON.stringify({ type: "caption", seq: 0, text: "Hola a todos." }) });
    });
    const { subscriber, r } = subscribe();
    await until(() => r.events.length === 2);
    expect(r.events).toEqual([
      { type: "partial", text: "hola" },
      { type: "caption", seq: 0, text: "Hola a todos." },
    ]);
    subscriber.close();
  });

  it("reports a refused subscription (subscribe_error) with the service's message", async () => {
    serve((c, m) =>
      send(c, {
        type: "subscribe_error",
        id: m.id,
        errors: [{ errorType: "UnauthorizedException", message: "Token expired" }],
      }),
    );
    const { r } = subscribe();
    expect(await r.closed).toEqual({ refused: true, message: "Token expired" });
    expect(r.subscribed).toBe(0);
    await until(() => connections[0]!.socket.readyState === NodeWebSocket.CLOSED);
  });

  it("reports a refused connection (connection_error) with its error type", async () => {
    onConnection = (c) => {
      nextMessage.set(c, () => send(c, { type: "connection_error", errors: [{ errorType: "UnauthorizedException" }] }));
    };
    const { r } = subscribe();
    expect(await r.closed).toEqual({ refused: true, message: "UnauthorizedException" });
  });

  it("reports a dropped connection as not refused", async () => {
    serve((c, m) => {
      send(c, { type: "subscribe_success", id: m.id });
      c.socket.terminate();
    });
    const { r } = subscribe();
    await r.subscribedOnce;
    expect(await r.closed).toEqual({ refused: false });
  });

  it("stays up while keep-alives arrive within connectionTimeoutMs, and closes itself when they stop", async () => {
    serve((c, m) => send(c, { type: "subscribe_success", id: m.id }), 300);
    // Only the subscriber's timers are faked: sockets and `until` run on real time.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { r } = subscribe();
      await r.subscribedOnce;
      let closed: unknown;
      void r.closed.then((c) => (closed = c));
      const kas = () => clientReceived.filter((m) => m.type === "ka").length;
      const before = kas();
      // Ten keep-alives 250 ms apart: 2.5 s, eight timeouts; only they can have kept the connection up.
      for (let i = 1; i <= 10; i++) {
        vi.advanceTimersByTime(250);
        send(connections[0]!, { type: "ka" });
        await until(() => kas() === before + i);
      }
      expect(closed).toBeUndefined();
      vi.advanceTimersByTime(299);
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(await r.closed).toEqual({ refused: false, message: "no keep-alive" });
    } finally {
      vi.useRealTimers();
    }
    await until(() => connections[0]!.socket.readyState === NodeWebSocket.CLOSED);
  });

  it("gives up on a connection that is never acknowledged, as not refused", async () => {
    onConnection = () => {};
    // Only the subscriber's timers are faked: sockets and the polling below run on real time.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const { r } = subscribe();
      while (connections[0]?.received.length !== 1) await new Promise((resolve) => setImmediate(resolve));
      expect(connections[0]!.received).toEqual([{ type: "connection_init" }]);
      let closed: unknown;
      void r.closed.then((c) => (closed = c));
      vi.advanceTimersByTime(EVENT_ACK_TIMEOUT_MS - 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(await r.closed).toEqual({ refused: false, message: "no keep-alive" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("close() ends the connection without reporting it", async () => {
    serve((c, m) => send(c, { type: "subscribe_success", id: m.id }));
    let reported = false;
    const { subscriber, r } = subscribe({ onClose: () => (reported = true) });
    await r.subscribedOnce;
    subscriber.close();
    await until(() => connections[0]!.socket.readyState === NodeWebSocket.CLOSED);
    expect(reported).toBe(false);
  });

  it("encodes the header as base64url without padding, UTF-8 included", () => {
    expect(base64Url('{"a":"é?>"}')).toBe(Buffer.from('{"a":"é?>"}', "utf8").toString("base64url"));
    expect(base64Url("ab")).toBe("YWI");
  });
});
