import { createHttpApiHandler } from "@babelcast/backend/handlers/http/httpApi.js";
import { type BackendDeps, createBackendDeps } from "@babelcast/backend/handlers/shared/backendDeps.js";
import { createWebSocketHandler, type WsEvent } from "@babelcast/backend/handlers/ws/webSocketApi.js";
import { type CaptionMessage, JoinResponse } from "@babelcast/protocol";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedRuntimeConfig } from "../../src/gateway/embeddedRuntime.js";
import { type Harness, openListener, openSocket, startHarness, type TestSocket, wsUrl } from "./harness.js";

/**
 * No state in a Lambda container: the HTTP and WebSocket handlers run in several simulated
 * containers at once, each with its own dependencies built from the configuration (own SDK
 * clients, own stores, nothing shared in memory), over the embedded server's DynamoDB, KVS
 * and API Gateway. Whatever one container did, another must see through the tables alone.
 */
let h: Harness;
let containers: BackendDeps[];
const CONTAINERS = 5;
/** Warnings the handlers logged (a caption that had to go out before an earlier one, say). */
const warnings: string[] = [];

beforeAll(async () => {
  // The gateway's own functions run in the embedded Lambda runtime: 3 environments each, recycled often.
  h = await startHarness({
    // Order across containers is what is checked here, not the bound for lost segments (the
    // faults tests check that): a long bound keeps a starved 2-core machine from tripping it.
    // The console's own pool is what is raced here: it serves all 50 listeners directly (no relays),
    // across 5 channels of 10 (the relays' pool has its own tests: embedded/test/relays).
    sessions: {
      joinsPerIpPerMinute: 10_000,
      countsDebounceMs: 0,
      captionOrderWaitMs: 30_000,
      directCapacity: 50,
    },
    relays: { count: 0, capacity: 100 },
    lambda: { containersPerFunction: 3, recycleAfterInvocations: 7 },
  });
  const config = embeddedRuntimeConfig(h.server.context);
  const log = {
    ...h.server.context.log,
    warn: (message: string, fields?: Record<string, unknown>) => {
      warnings.push(`${message} ${JSON.stringify(fields ?? {})}`);
    },
  };
  containers = Array.from({ length: CONTAINERS }, () => createBackendDeps(config, { log }));
});
afterAll(async () => {
  for (const deps of containers ?? []) deps.close();
  await h?.stop();
});

/** The container that serves invocation `i` (invocations spread over all of them). */
const containerFor = (i: number) => containers[i % CONTAINERS] as BackendDeps;

function joinEvent(sessionId: string, language: string, ip: string): APIGatewayProxyEventV2 {
  const path = `/sessions/${sessionId}/listeners`;
  const routeKey = "POST /sessions/{id}/listeners";
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    pathParameters: { id: sessionId },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.org",
      domainPrefix: "api",
      http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: ip, userAgent: "test" },
      requestId: `join-${Math.random()}`,
      routeKey,
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: JSON.stringify({ language }),
    isBase64Encoded: false,
  };
}

function segmentEvent(sessionId: string, connectionId: string, seq: number, text: string): WsEvent {
  const now = Date.now();
  return {
    requestContext: {
      routeKey: "segment",
      connectionId,
      authorizer: { role: "console", sessionId, ownerId: "owner" },
    },
    body: JSON.stringify({
      action: "segment",
      seq,
      text,
      startTime: seq,
      endTime: seq + 0.5,
      stages: { committedAt: now, sentAt: now },
    }),
    isBase64Encoded: false,
  } as unknown as WsEvent;
}

async function createSession(targetLanguages: string[]): Promise<string> {
  const created = await h.api(
    "POST",
    "/sessions",
    { title: "Crowd", sourceLanguage: "en", targetLanguages },
    h.ownerToken,
  );
  expect(created.status, created.text).toBe(201);
  return created.json.id as string;
}

describe("handlers in many containers that share no memory", () => {
  it("50 concurrent joins never put an 11th viewer on a channel", async () => {
    const id = await createSession(["es"]);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createHttpApiHandler(containerFor(i))(joinEvent(id, i % 2 ? "es" : "en", `198.51.100.${i}`)),
      ),
    );
    const perChannel = new Map<string, number>();
    for (const reply of replies) {
      expect(reply.statusCode, reply.body).toBe(200);
      const join = JoinResponse.parse(JSON.parse(reply.body ?? "{}"));
      expect(join.audio.mode).toBe("webrtc");
      if (join.audio.mode !== "webrtc") continue;
      perChannel.set(join.audio.signaling.channelArn, (perChannel.get(join.audio.signaling.channelArn) ?? 0) + 1);
    }
    expect(Math.max(...perChannel.values())).toBeLessThanOrEqual(10);
    expect([...perChannel.values()].reduce((a, b) => a + b, 0)).toBe(50);
    // Filled, not scattered: 50 viewers need exactly 5 channels of 10.
    expect(perChannel.size).toBe(5);
    const view = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(view.json.channels).toHaveLength(5);
  }, 120_000);

  it("segments handled by different containers at once reach every listener once each and in order", async () => {
    const id = await createSession(["es", "fr"]);
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const listeners: Record<string, TestSocket[]> = { en: [], es: [], fr: [] };
    for (const language of ["en", "es", "fr", "es", "fr"]) {
      const join = await h.api("POST", `/sessions/${id}/listeners`, { language });
      expect(join.status, join.text).toBe(200);
      listeners[language]?.push(await openListener(h.server.context.config, id, join.json.listenerToken, language));
    }
    await consoleWs.next("listener-counts", 10_000, (m) => m.total === 5);
    const consoleConnection = (await containerFor(0).stores.connections.listBySession(id)).find(
      (c) => c.role === "console",
    );
    expect(consoleConnection).toBeDefined();

    // A console resending after a reconnect: every segment at once, in arrival order shuffled
    // by the network, each handled by whichever container is free.
    const SEGMENTS = 12;
    const texts = Array.from({ length: SEGMENTS }, (_, seq) => `Sentence number ${seq} of the talk.`);
    const arrival = [...texts.keys()].sort(() => Math.random() - 0.5);
    const results = await Promise.all(
      arrival.map((seq, i) =>
        createWebSocketHandler(containerFor(i))(
          segmentEvent(id, consoleConnection?.connectionId ?? "", seq, texts[seq] ?? ""),
        ),
      ),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);

    expect(warnings).toEqual([]);
    for (const [language, sockets] of Object.entries(listeners)) {
      for (const socket of sockets) {
        await socket.next("caption", 60_000, (c) => c.segmentSeq === SEGMENTS - 1);
        const captions = socket.messages.filter((m): m is CaptionMessage => m.type === "caption");
        // Exactly once each, in the order the presenter spoke, numbered by the segment.
        expect(captions.map((c) => c.seq)).toEqual([...texts.keys()]);
        expect(captions.every((c) => c.language === language && c.seq === c.segmentSeq)).toBe(true);
      }
    }
    // The console got each language's text to speak, once per segment.
    const progress = consoleWs.messages.filter((m) => m.type === "segment-progress" && m.language === "es");
    expect(progress.map((p) => p.type === "segment-progress" && p.segmentSeq)).toEqual([...texts.keys()]);
    for (const s of [consoleWs, ...Object.values(listeners).flat()]) await s.close();
  }, 180_000);

  it("listener counts carry versions, so the console can keep the newest whichever push lands last", async () => {
    const id = await createSession(["es"]);
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const join = await h.api("POST", `/sessions/${id}/listeners`, { language: "es" });
      sockets.push(await openListener(h.server.context.config, id, join.json.listenerToken, "es"));
    }
    await consoleWs.next("listener-counts", 10_000, (m) => m.total === 3);
    const counts = consoleWs.messages.filter((m) => m.type === "listener-counts");
    const versions = counts.map((m) => (m.type === "listener-counts" ? (m.version ?? 0) : 0));
    // The newest (highest version) says what is true now.
    const newest = counts[versions.indexOf(Math.max(...versions))];
    expect(newest).toMatchObject({ total: 3 });
    for (const s of [consoleWs, ...sockets]) await s.close();
  }, 60_000);

  it("the same holds through the embedded Lambda runtime (3 environments per function, recycled every 7 invocations)", async () => {
    const id = await createSession(["es"]);
    const joins = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.api("POST", `/sessions/${id}/listeners`, { language: i % 2 ? "es" : "en" }),
      ),
    );
    const perChannel = new Map<string, number>();
    for (const j of joins) {
      expect(j.status, j.text).toBe(200);
      const arn = j.json.audio.signaling?.channelArn as string;
      perChannel.set(arn, (perChannel.get(arn) ?? 0) + 1);
    }
    expect(Math.max(...perChannel.values())).toBeLessThanOrEqual(10);
    expect(perChannel.size).toBe(5);

    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const es = await openListener(h.server.context.config, id, joins[1]?.json.listenerToken, "es");
    await consoleWs.next("listener-counts", 10_000, (m) => m.total === 1);
    const SEGMENTS = 10;
    const now = Date.now();
    for (let seq = 0; seq < SEGMENTS; seq++) {
      consoleWs.send({
        action: "segment",
        seq,
        text: `Sentence number ${seq} of the talk.`,
        startTime: seq,
        endTime: seq + 0.5,
        stages: { committedAt: now, sentAt: now },
      });
    }
    await es.next("caption", 60_000, (c) => c.segmentSeq === SEGMENTS - 1);
    await new Promise((r) => setTimeout(r, 300));
    const captions = es.messages.filter((m): m is CaptionMessage => m.type === "caption");
    expect(captions.map((c) => c.seq)).toEqual([...Array(SEGMENTS).keys()]);
    await consoleWs.close();
    await es.close();
  }, 180_000);
});
