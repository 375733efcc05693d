import { isUtf8 } from "node:buffer";
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { decodeSpeechFrame, encodeSpeechFrame } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, openSocket, startHarness, type TestSocket, wsUrl } from "./harness.js";

let h: Harness;
let client: ApiGatewayManagementApiClient;
let socket: TestSocket;
let connectionId: string;

beforeAll(async () => {
  h = await startHarness();
  client = new ApiGatewayManagementApiClient({
    region: h.server.context.region,
    endpoint: h.server.context.config.endpoints?.apigatewaymanagementapi,
    credentials: h.server.context.credentials,
  });
  const created = await h.api("POST", "/sessions", { title: "T", sourceLanguage: "en" }, h.ownerToken);
  const id = created.json.id;
  const join = await h.api("POST", `/sessions/${id}/listeners`, { language: "en" });
  socket = await openSocket(wsUrl(h, { role: "listener", sessionId: id, token: join.json.listenerToken }));
  // Only the gateway and the connections table know the id.
  connectionId = await findConnectionId(id);
});
afterAll(async () => {
  await socket?.close();
  client?.destroy();
  await h?.stop();
});

async function findConnectionId(sessionId: string): Promise<string> {
  const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
  const { DynamoDBDocumentClient, QueryCommand } = await import("@aws-sdk/lib-dynamodb");
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: h.server.context.region,
      endpoint: h.server.context.config.endpoints?.dynamodb,
      credentials: h.server.context.credentials,
    }),
  );
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
    if (id) {
      db.destroy();
      return id as string;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("no connection row");
}

describe("the embedded Management API", () => {
  it("PostToConnection delivers JSON as a text frame", async () => {
    await client.send(
      new PostToConnectionCommand({
        ConnectionId: connectionId,
        Data: new TextEncoder().encode(JSON.stringify({ type: "partial", text: "hi" })),
      }),
    );
    expect((await socket.next("partial")).text).toBe("hi");
  });

  it("PostToConnection delivers speech bytes as a binary frame, byte for byte", async () => {
    const frame = Uint8Array.from([0xff, 0x00, 0x01, 0xfe, 0x80, 0x81]);
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame }));
    for (let i = 0; i < 50 && socket.binary.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect([...(socket.binary[0] ?? [])]).toEqual([...frame]);
  });

  it("delivers a speech frame that happens to be valid UTF-8 as binary too", async () => {
    const frame = encodeSpeechFrame({
      language: "es",
      seq: 1,
      segmentSeq: 1,
      format: "pcm",
      sampleRate: 8000,
      rate: 1,
      audio: new Uint8Array(16),
    });
    expect(isUtf8(frame)).toBe(true);
    const before = socket.binary.length;
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame }));
    for (let i = 0; i < 50 && socket.binary.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(decodeSpeechFrame(new Uint8Array(socket.binary[before] ?? [])).language).toBe("es");
  });

  it("GetConnection describes an open connection", async () => {
    const out = await client.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(out.ConnectedAt).toBeInstanceOf(Date);
    expect(out.Identity?.SourceIp).toMatch(/127\.0\.0\.1/);
  });

  it("answers GoneException for an unknown connection", async () => {
    await expect(
      client.send(new PostToConnectionCommand({ ConnectionId: "unknownConn=", Data: new Uint8Array([1]) })),
    ).rejects.toMatchObject({ name: "GoneException" });
  });

  it("refuses requests signed with other credentials", async () => {
    const stranger = new ApiGatewayManagementApiClient({
      region: h.server.context.region,
      endpoint: h.server.context.config.endpoints?.apigatewaymanagementapi,
      credentials: { accessKeyId: "AKIDSTRANGER", secretAccessKey: "nope" },
    });
    await expect(
      stranger.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new Uint8Array([1]) })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    stranger.destroy();
  });

  it("DeleteConnection closes the socket", async () => {
    const closed = new Promise<void>((resolve) => socket.ws.once("close", () => resolve()));
    await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    await closed;
    await expect(client.send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toMatchObject({
      name: "GoneException",
    });
  });
});
