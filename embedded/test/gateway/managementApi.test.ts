import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findConnectionId, type Harness, openSocket, startHarness, type TestSocket, wsUrl } from "./harness.js";

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
  connectionId = await findConnectionId(h, id);
});
afterAll(async () => {
  await socket?.close();
  client?.destroy();
  await h?.stop();
});

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
