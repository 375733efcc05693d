import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import type { WsEvent, WsResult } from "@babelcast/backend/handlers/ws/webSocketApi.js";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SigV4Verifier } from "../../src/auth/sigv4Verifier.js";
import { settingsSection } from "../../src/embeddedSettings.js";
import { FrameLengthWatch } from "../../src/gateway/frameLengthWatch.js";
import { handleManagementRequest } from "../../src/gateway/managementEndpoint.js";
import { WebSocketGateway } from "../../src/gateway/webSocketGateway.js";
import {
  WEBSOCKET_LIMITS,
  WEBSOCKET_SETTINGS_SECTION,
  WebSocketTimeoutSettings,
  webSocketLimitsMarkdown,
} from "../../src/gateway/webSocketLimits.js";
import { openSocket, type TestSocket } from "./harness.js";

const IDLE_MS = 600;
const LIFETIME_MS = 2500;
const credentials = { accessKeyId: "AKIDLIMITS", secretAccessKey: "limits-secret" };

/**
 * The embedded gateway on its own HTTP server: the WebSocket API and its Management API, with a
 * route handler that records the events API Gateway would hand to the functions.
 */
let server: Server;
let gateway: WebSocketGateway;
let baseUrl: string;
let client: ApiGatewayManagementApiClient;
const events: WsEvent[] = [];

beforeAll(async () => {
  gateway = new WebSocketGateway({
    authorize: async () => ({ role: "console", sessionId: "quiet-comet-123", ownerId: "owner" }),
    handler: async (event: WsEvent): Promise<WsResult> => {
      events.push(event);
      return { statusCode: 200 };
    },
    domainName: "localhost",
    stage: "ws",
    log: { info() {}, warn() {}, error() {} },
    timeouts: { idleTimeoutMs: IDLE_MS, maxConnectionMs: LIFETIME_MS },
  });
  const verifier = new SigV4Verifier({ credentials, region: "us-east-1", service: "execute-api" });
  server = createServer((req, res) => void handleManagementRequest(req, res, gateway.connections, verifier));
  server.on("upgrade", (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new ApiGatewayManagementApiClient({
    region: "us-east-1",
    endpoint: `http://${baseUrl}${PATHS.apigatewaymanagementapi}`,
    credentials,
  });
});
afterAll(async () => {
  client?.destroy();
  await gateway?.close();
  server?.close();
});

async function connect(): Promise<{ socket: TestSocket; connectionId: string }> {
  const known = new Set(gateway.connections.keys());
  const socket = await openSocket(`ws://${baseUrl}${PATHS.webSocket}`);
  const connectionId = [...gateway.connections.keys()].find((id) => !known.has(id));
  if (!connectionId) throw new Error("the gateway holds no new connection");
  return { socket, connectionId };
}

function messagesOf(connectionId: string): WsEvent[] {
  return events.filter(
    (e) => e.requestContext.connectionId === connectionId && e.requestContext.eventType === "MESSAGE",
  );
}

function closeCode(socket: TestSocket): Promise<number> {
  return new Promise((resolve) => socket.ws.once("close", (code) => resolve(code)));
}

const settle = () => new Promise((r) => setTimeout(r, 100));

/** Counts the frames the server sends, read from the client's raw socket (server frames are unmasked). */
function countServerFrames(socket: TestSocket): { frames: number[] } {
  const seen = { frames: [] as number[] };
  const raw = (socket.ws as unknown as { _socket: Socket })._socket;
  let buffer = Buffer.alloc(0);
  raw.prependListener("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const short = (buffer[1] as number) & 0x7f;
      const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
      if (buffer.length < 2 + lengthBytes) return;
      const length = short === 126 ? buffer.readUInt16BE(2) : short === 127 ? Number(buffer.readBigUInt64BE(2)) : short;
      if (buffer.length < 2 + lengthBytes + length) return;
      seen.frames.push(length);
      buffer = buffer.subarray(2 + lengthBytes + length);
    }
  });
  return seen;
}

describe("incoming frames, as API Gateway takes them", () => {
  it("a binary frame closes the connection with 1003 and reaches no route", async () => {
    const { socket, connectionId } = await connect();
    const closed = closeCode(socket);
    socket.ws.send(Buffer.from(JSON.stringify({ action: "partial", text: "hi" })), { binary: true });
    expect(await closed).toBe(1003);
    await settle();
    expect(messagesOf(connectionId)).toEqual([]);
  });

  it("a single frame of 32 KB reaches its route; one byte more closes the connection with 1009", async () => {
    const { socket, connectionId } = await connect();
    socket.ws.send("x".repeat(WEBSOCKET_LIMITS.frameBytes));
    await settle();
    expect(messagesOf(connectionId).map((e) => e.body?.length)).toEqual([WEBSOCKET_LIMITS.frameBytes]);
    const closed = closeCode(socket);
    socket.ws.send("x".repeat(WEBSOCKET_LIMITS.frameBytes + 1));
    expect(await closed).toBe(1009);
    await settle();
    expect(messagesOf(connectionId)).toHaveLength(1);
  });

  it("a message of 128 KB in frames of 32 KB reaches its route; over 128 KB closes with 1009", async () => {
    const { socket, connectionId } = await connect();
    const frame = "x".repeat(WEBSOCKET_LIMITS.frameBytes);
    for (let i = 0; i < 4; i++) socket.ws.send(frame, { fin: i === 3 });
    await settle();
    expect(messagesOf(connectionId).map((e) => e.body?.length)).toEqual([WEBSOCKET_LIMITS.messageBytes]);
    const closed = closeCode(socket);
    for (let i = 0; i < 5; i++) socket.ws.send(frame, { fin: i === 4 });
    expect(await closed).toBe(1009);
    await settle();
    expect(messagesOf(connectionId)).toHaveLength(1);
  });
});

describe("PostToConnection, as API Gateway delivers it", () => {
  it("answers PayloadTooLargeException (413) past 128 KB and sends nothing", async () => {
    const { socket, connectionId } = await connect();
    const received: Buffer[] = [];
    socket.ws.on("message", (data: Buffer) => received.push(data));
    const err = await client
      .send(
        new PostToConnectionCommand({
          ConnectionId: connectionId,
          Data: Buffer.alloc(WEBSOCKET_LIMITS.postToConnectionBytes + 1, 0x20),
        }),
      )
      .catch((e) => e);
    expect(err).toMatchObject({ name: "PayloadTooLargeException", $metadata: { httpStatusCode: 413 } });
    await settle();
    expect(received).toEqual([]);
    await socket.close();
  });

  it("delivers 128 KB of any bytes as one text message, in frames of at most 32 KB", async () => {
    const { socket, connectionId } = await connect();
    const sent = countServerFrames(socket);
    // The harness reads every text message as JSON; this one is not.
    socket.ws.removeAllListeners("message");
    const received: { text: string; isBinary: boolean }[] = [];
    socket.ws.on("message", (data: Buffer, isBinary: boolean) => received.push({ text: data.toString(), isBinary }));
    const data = "not json, "
      .repeat(WEBSOCKET_LIMITS.postToConnectionBytes / 8)
      .slice(0, WEBSOCKET_LIMITS.postToConnectionBytes);
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }));
    await settle();
    expect(received).toEqual([{ text: data, isBinary: false }]);
    expect(sent.frames).toEqual(Array(4).fill(WEBSOCKET_LIMITS.frameBytes));
    await socket.close();
  });
});

describe("connection timeouts (shortened through settings)", () => {
  it("closes a connection with no message either way after the idle timeout, with 1001, and runs $disconnect", async () => {
    const { socket, connectionId } = await connect();
    const opened = Date.now();
    const code = await closeCode(socket);
    expect(code).toBe(1001);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(Date.now() - opened).toBeLessThan(IDLE_MS + 1000);
    await settle();
    expect(
      events.some((e) => e.requestContext.connectionId === connectionId && e.requestContext.eventType === "DISCONNECT"),
    ).toBe(true);
  });

  it("messages from the client keep a connection open, but not past the maximum duration", async () => {
    const { socket } = await connect();
    const opened = Date.now();
    const closed = closeCode(socket);
    const keepAlive = setInterval(() => socket.send({ action: "hello" }), IDLE_MS / 3);
    const code = await closed;
    clearInterval(keepAlive);
    expect(code).toBe(1001);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(LIFETIME_MS - 50);
    expect(Date.now() - opened).toBeLessThan(LIFETIME_MS + 1000);
  });

  it("PostToConnection keeps a connection open past the idle timeout too", async () => {
    const { socket, connectionId } = await connect();
    const opened = Date.now();
    const closed = closeCode(socket);
    const keepAlive = setInterval(
      () => void client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from("{}") })),
      IDLE_MS / 3,
    );
    await closed;
    clearInterval(keepAlive);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(LIFETIME_MS - 50);
  });

  it("settings may shorten the timeouts but never lengthen them past API Gateway's", () => {
    expect(settingsSection({}, WEBSOCKET_SETTINGS_SECTION, WebSocketTimeoutSettings)).toEqual({
      idleTimeoutMs: 10 * 60_000,
      maxConnectionMs: 2 * 60 * 60_000,
    });
    expect(() =>
      settingsSection(
        { [WEBSOCKET_SETTINGS_SECTION]: { idleTimeoutMs: 11 * 60_000 } },
        WEBSOCKET_SETTINGS_SECTION,
        WebSocketTimeoutSettings,
      ),
    ).toThrow(/idleTimeoutMs/);
  });
});

describe("FrameLengthWatch", () => {
  const header = (length: number) =>
    length < 126
      ? Buffer.from([0x81, 0x80 | length, 1, 2, 3, 4])
      : length < 65_536
        ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff, 1, 2, 3, 4])
        : Buffer.from([
            0x81,
            0x80 | 127,
            0,
            0,
            0,
            0,
            (length >>> 24) & 0xff,
            (length >> 16) & 0xff,
            (length >> 8) & 0xff,
            length & 0xff,
            1,
            2,
            3,
            4,
          ]);

  it("finds a frame over the limit however the bytes are split", () => {
    const stream = Buffer.concat([
      header(5),
      Buffer.alloc(5),
      header(0),
      header(300),
      Buffer.alloc(300),
      header(70_000),
    ]);
    for (const step of [1, 3, 7, stream.length]) {
      const watch = new FrameLengthWatch(1000);
      let found: number | undefined;
      for (let i = 0; i < stream.length && found === undefined; i += step)
        found = watch.push(stream.subarray(i, i + step));
      expect(found, `chunks of ${step}`).toBe(70_000);
    }
  });

  it("lets frames at the limit through", () => {
    const watch = new FrameLengthWatch(1000);
    expect(watch.push(Buffer.concat([header(1000), Buffer.alloc(1000), header(999)]))).toBeUndefined();
  });
});

describe("the limits table", () => {
  it("docs/embedded-fidelity.md shows the table the gateway enforces", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "..", "docs", "embedded-fidelity.md"), "utf8");
    expect(doc).toContain(webSocketLimitsMarkdown());
  });
});
