import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HANDLER_ENTRIES } from "@babelcast/backend/handlers/deployedFunctions.js";
import { policyAllows, principalStatements } from "@babelcast/backend/permissions/permissionTable.js";
import { createListenerToken } from "@babelcast/backend/services/listenerTokens.js";
import { captionChannel, EVENT_API_LIMITS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPTION_AUTHORIZER_FUNCTION, EVENT_PUBLISH_ACTION } from "../../src/appsyncEvents/eventApi.js";
import { callersFor } from "../../src/auth/callerDirectory.js";
import type { EmbeddedContext } from "../../src/embeddedContext.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { LISTENER_SECRET_FILE } from "../../src/gateway/embeddedRuntime.js";
import { createGatewayService, type GatewayService } from "../../src/gateway/gatewayService.js";
import {
  authObject,
  type EventSubscriber,
  headerSubprotocol,
  openSubscriber,
  publishEvents,
} from "./eventApiClient.js";

/**
 * The embedded AppSync Events API against a real server: real `ws` subscribers, SigV4-signed
 * publishes, and a Lambda authorizer (a fixture standing in for the backend's) run by the
 * embedded Lambda runtime.
 */

const FIXTURE = fileURLToPath(new URL("./fixtures/captionAuthorizerFixture.ts", import.meta.url));
const KEEP_ALIVE_MS = 200;
let server: RunningEmbeddedServer;
let gateway: GatewayService;
let dataDir: string;
let authorizerLog: string;
let secret: string;

const endpoints = () => server.context.config.events;
const listenerToken = (sessionId: string, listenerId = "l1", expiresInMs = 600_000) =>
  createListenerToken({ s: sessionId, l: listenerId, exp: Date.now() + expiresInMs }, secret);
const publish = (channel: string, events: readonly string[]) =>
  publishEvents(endpoints().httpUrl, server.context.credentials, server.context.region, channel, events);
const caption = (n: number, text = `caption ${n}`) => JSON.stringify({ type: "caption", seq: n, text });
const sockets: EventSubscriber[] = [];

/** A subscriber connected, acknowledged and subscribed to each channel (ids `s0`, `s1`, …). */
async function subscriber(token: string, channels: string[] = []): Promise<EventSubscriber> {
  const s = await openSubscriber(endpoints(), token);
  sockets.push(s);
  expect((await s.init()).type).toBe("connection_ack");
  for (const [i, channel] of channels.entries())
    expect((await s.subscribe(`s${i}`, channel)).type).toBe("subscribe_success");
  return s;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-events-"));
  authorizerLog = join(dataDir, "authorizer-requests.jsonl");
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    settings: { appsyncEvents: { keepAliveIntervalMs: KEEP_ALIVE_MS, maxSubscriberBufferBytes: 256 * 1024 } },
    services: [
      async (ctx) => {
        gateway = await fixtureGateway(ctx);
        return gateway;
      },
    ],
  });
  secret = readFileSync(join(dataDir, LISTENER_SECRET_FILE), "utf8").trim();
});

/** The gateway with the fixture authorizer in place of the backend's, run by the same Lambda runtime. */
const fixtureGateway = (ctx: EmbeddedContext) =>
  createGatewayService({
    functions: (deployed) => {
      const template = deployed.find((f) => f.name === "ConnectAuthorizerFunction");
      if (!template) throw new Error("no ConnectAuthorizerFunction to take the stack environment from");
      return [
        ...deployed.filter((f) => f.name !== CAPTION_AUTHORIZER_FUNCTION),
        {
          name: CAPTION_AUTHORIZER_FUNCTION,
          entry: FIXTURE,
          memorySize: 128,
          timeoutSeconds: 5,
          environment: { ...template.environment, AUTHORIZER_LOG: authorizerLog },
        },
      ];
    },
  })(ctx);

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("AppSync Events realtime: handshake", () => {
  it("echoes aws-appsync-event-ws, acknowledges connection_init with connectionTimeoutMs and sends ka periodically", async () => {
    const s = await openSubscriber(endpoints(), listenerToken("amber-harbor-482"));
    sockets.push(s);
    expect(s.ws.protocol).toBe("aws-appsync-event-ws");
    const ack = await s.init();
    expect(ack).toEqual({ type: "connection_ack", connectionTimeoutMs: 300_000 });
    await s.next("ka");
    const kas = () => s.frames.filter((f) => f.type === "ka").length;
    const first = kas();
    await s.next("ka", () => kas() > first);
    expect(kas()).toBeGreaterThanOrEqual(2);
  });

  it("refuses an upgrade that does not offer the aws-appsync-event-ws subprotocol", async () => {
    const auth = headerSubprotocol(authObject(endpoints().httpUrl, listenerToken("amber-harbor-482")));
    await expect(openSubscriber(endpoints(), "unused", [auth])).rejects.toMatchObject({ status: 400 });
  });

  it("answers connection_init with connection_error for a bad token, a missing auth object or another host", async () => {
    const httpUrl = endpoints().httpUrl;
    const offers = [
      ["aws-appsync-event-ws", headerSubprotocol(authObject(httpUrl, "v1.forged.token"))],
      ["aws-appsync-event-ws"],
      [
        "aws-appsync-event-ws",
        headerSubprotocol({ host: "realtime.example.com", Authorization: listenerToken("amber-harbor-482") }),
      ],
    ];
    for (const protocols of offers) {
      const s = await openSubscriber(endpoints(), "unused", protocols);
      sockets.push(s);
      const reply = await s.init();
      expect(reply.type).toBe("connection_error");
      expect(reply.errors[0].errorType).toBe("UnauthorizedException");
      await s.closed();
    }
  });

  it("sends the authorizer the documented request: token, operation, namespace and channel", async () => {
    const token = listenerToken("shape-check-1");
    const s = await subscriber(token, [captionChannel("shape-check-1", "en")]);
    const requests = readFileSync(authorizerLog, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((r) => r.authorizationToken === token);
    expect(requests.map((r) => r.requestContext.operation)).toEqual(["EVENT_CONNECT", "EVENT_SUBSCRIBE"]);
    expect(requests[1].requestContext).toMatchObject({
      apiId: "embedded",
      accountId: server.context.accountId,
      channelNamespaceName: "captions",
      channel: "/captions/shape-check-1/en",
    });
    expect(typeof requests[1].requestContext.requestId).toBe("string");
    expect(requests[1].requestHeaders.host).toBe(new URL(endpoints().httpUrl).host);
    s.close();
  });

  it("answers a frame that is not JSON, or of no known type, with error", async () => {
    const s = await subscriber(listenerToken("amber-harbor-482"));
    s.send("not json");
    expect((await s.next("error")).errors[0].errorType).toBe("BadRequestException");
    s.send({ type: "start", id: "x" });
    await s.next("error", (f) => f.id === "x");
  });
});

describe("AppSync Events realtime: subscribe", () => {
  it("subscribes to the token's own session and refuses a bad token, another session's channel and bad channels", async () => {
    const s = await subscriber(listenerToken("amber-harbor-482"));
    expect(await s.subscribe("own", "/captions/amber-harbor-482/en")).toEqual({ type: "subscribe_success", id: "own" });

    const other = await s.subscribe("other", "/captions/other-session-1/en");
    expect(other).toMatchObject({
      type: "subscribe_error",
      id: "other",
      errors: [{ errorType: "UnauthorizedException" }],
    });

    s.send({
      type: "subscribe",
      id: "forged",
      channel: "/captions/amber-harbor-482/fr",
      authorization: authObject(endpoints().httpUrl, "v1.e30.forged"),
    });
    await s.next("subscribe_error", (f) => f.id === "forged");

    const bad = [
      "/nonamespace/amber-harbor-482/en",
      "/captions/amber-harbor-482/zh_Hans",
      "/captions/a/b/c/d/e",
      "/captions/-dash/en",
      "/captions/amber-harbor-482/*/en",
    ];
    for (const [i, channel] of bad.entries()) {
      const reply = await s.subscribe(`bad${i}`, channel);
      expect(reply, channel).toMatchObject({ type: "subscribe_error", errors: [{ errorType: "BadRequestException" }] });
    }
    expect((await s.subscribe("own", "/captions/amber-harbor-482/de")).type).toBe("subscribe_error");
  });

  it("refuses subscribe before connection_init", async () => {
    const s = await openSubscriber(endpoints(), listenerToken("amber-harbor-482"));
    sockets.push(s);
    const reply = await s.subscribe("early", "/captions/amber-harbor-482/en");
    expect(reply.type).toBe("subscribe_error");
  });

  it(`holds at most ${EVENT_API_LIMITS.maxSubscriptionsPerConnection} subscriptions per connection`, async () => {
    const s = await subscriber(listenerToken("limit-session-1"));
    const channel = "/captions/limit-session-1/en";
    const replies = await Promise.all(
      Array.from({ length: EVENT_API_LIMITS.maxSubscriptionsPerConnection }, (_, i) => s.subscribe(`n${i}`, channel)),
    );
    expect(replies.every((r) => r.type === "subscribe_success")).toBe(true);
    const over = await s.subscribe("one-too-many", channel);
    expect(over).toMatchObject({ type: "subscribe_error", errors: [{ errorType: "LimitExceededException" }] });
  });

  it("caches the authorizer's answer for a token, operation and channel", async () => {
    const s = await subscriber(listenerToken("cache-session-1"));
    const before = gateway.events.authorizer.invocations;
    await s.subscribe("a", "/captions/cache-session-1/en");
    await s.subscribe("b", "/captions/cache-session-1/en");
    expect(gateway.events.authorizer.invocations - before).toBe(1);
    await s.subscribe("c", "/captions/cache-session-1/fr");
    expect(gateway.events.authorizer.invocations - before).toBe(2);
  });
});

describe("AppSync Events: publish and delivery", () => {
  it("delivers a publish once to each subscriber of the channel and not to other languages", async () => {
    const session = "deliver-session-1";
    const en1 = await subscriber(listenerToken(session, "a"), [captionChannel(session, "en")]);
    const en2 = await subscriber(listenerToken(session, "b"), [captionChannel(session, "en")]);
    const fr = await subscriber(listenerToken(session, "c"), [captionChannel(session, "fr")]);
    const reply = await publish(captionChannel(session, "en"), [caption(1), caption(2, "zweite Zeile ✓")]);
    expect(reply.status).toBe(200);
    expect(reply.json.failed).toEqual([]);
    expect(reply.json.successful.map((s: { index: number }) => s.index)).toEqual([0, 1]);
    expect(typeof reply.json.successful[0].identifier).toBe("string");
    for (const s of [en1, en2]) {
      await s.next("data", (f) => JSON.parse(f.event).seq === 2);
      expect(s.events("s0")).toEqual([JSON.parse(caption(1)), JSON.parse(caption(2, "zweite Zeile ✓"))]);
      const frame = s.frames.find((f) => f.type === "data");
      expect(typeof frame?.event).toBe("string");
    }
    // A later publish to French reaches French only; English saw exactly its two events.
    await publish(captionChannel(session, "fr"), [caption(3)]);
    await fr.next("data");
    expect(fr.events("s0")).toEqual([JSON.parse(caption(3))]);
    expect(en1.events("s0")).toHaveLength(2);
  });

  it("delivers every channel under a /* subscription", async () => {
    const session = "wildcard-session-1";
    const all = await subscriber(listenerToken(session), [`/captions/${session}/*`]);
    await publish(captionChannel(session, "en"), [caption(1)]);
    await publish(captionChannel(session, "pt-BR"), [caption(2)]);
    await publish(captionChannel("someone-else-1", "en"), [caption(99)]);
    await publish(captionChannel(session, "de"), [caption(3)]);
    await all.next("data", (f) => JSON.parse(f.event).seq === 3);
    expect(all.events("s0")).toEqual([caption(1), caption(2), caption(3)].map((c) => JSON.parse(c)));
  });

  it("stops delivering after unsubscribe", async () => {
    const session = "unsub-session-1";
    const s = await subscriber(listenerToken(session), [captionChannel(session, "en")]);
    await publish(captionChannel(session, "en"), [caption(1)]);
    await s.next("data");
    s.send({ type: "unsubscribe", id: "s0" });
    expect(await s.next("unsubscribe_success")).toEqual({ type: "unsubscribe_success", id: "s0" });
    s.send({ type: "unsubscribe", id: "s0" });
    await s.next("unsubscribe_error");
    await publish(captionChannel(session, "en"), [caption(2)]);
    // A second subscription on the same connection receives the next publish; the first never does.
    expect((await s.subscribe("again", captionChannel(session, "en"))).type).toBe("subscribe_success");
    await publish(captionChannel(session, "en"), [caption(3)]);
    await s.next("data", (f) => f.id === "again");
    expect(s.events("s0")).toEqual([JSON.parse(caption(1))]);
    expect(s.events("again")).toEqual([JSON.parse(caption(3))]);
  });

  it("refuses a publish without a SigV4 signature, and one from a role without appsync:EventPublish", async () => {
    const { httpUrl } = endpoints();
    const { region } = server.context;
    const unsigned = await publishEvents(httpUrl, undefined, region, captionChannel("x-session-1", "en"), [caption(1)]);
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.errors[0].errorType).toBe("UnauthorizedException");

    const callers = callersFor(server.context);
    const lacking = HANDLER_ENTRIES.find(
      (e) => !policyAllows(principalStatements(e), EVENT_PUBLISH_ACTION, "captionNamespace" as never),
    );
    if (!lacking) throw new Error("every function may publish captions: pick a principal without it");
    const denied = await publishEvents(
      httpUrl,
      callers.functionCredentials(lacking.id),
      region,
      captionChannel("x-session-1", "en"),
      [caption(1)],
    );
    expect(denied.status).toBe(403);
    expect(denied.json.errors[0]).toMatchObject({ errorType: "AccessDeniedException" });
    expect(denied.json.errors[0].message).toContain(EVENT_PUBLISH_ACTION);
  });

  it("accepts a publish signed by the account's key and by each function whose role has appsync:EventPublish", async () => {
    expect((await publish(captionChannel("x-session-1", "en"), [caption(1)])).status).toBe(200);
    const callers = callersFor(server.context);
    const publishers = HANDLER_ENTRIES.filter((e) =>
      policyAllows(principalStatements(e), EVENT_PUBLISH_ACTION, "captionNamespace" as never),
    );
    expect(publishers.map((e) => e.id).sort()).toEqual(["CleanupFunction", "OwnerHttpFunction", "WebSocketFunction"]);
    for (const entry of publishers) {
      const reply = await publishEvents(
        endpoints().httpUrl,
        callers.functionCredentials(entry.id),
        server.context.region,
        captionChannel("x-session-1", "en"),
        [caption(1)],
      );
      expect(reply.status, entry.id).toBe(200);
    }
  });

  it("refuses an event over 240 KB, more than 5 events, non-JSON events, wildcards and unknown namespaces", async () => {
    const channel = captionChannel("limits-session-1", "en");
    const s = await subscriber(listenerToken("limits-session-1"), [channel]);
    const big = JSON.stringify({ text: "x".repeat(241 * 1024) });
    const refused = [
      await publish(channel, [big]),
      await publish(
        channel,
        Array.from({ length: 6 }, (_, i) => caption(i)),
      ),
      await publish(channel, []),
      await publish(channel, ["{not json"]),
      await publish("/captions/limits-session-1/*", [caption(1)]),
      await publish("/other/limits-session-1/en", [caption(1)]),
      await publish("/captions/a/b/c/d/e", [caption(1)]),
    ];
    for (const reply of refused) {
      expect(reply.status).toBe(400);
      expect(reply.json.errors[0].errorType).toBe("BadRequestException");
    }
    const justUnder = JSON.stringify({ text: "x".repeat(EVENT_API_LIMITS.maxEventBytes - 20) });
    expect((await publish(channel, [justUnder])).status).toBe(200);
    await s.next("data");
    expect(s.frames.filter((f) => f.type === "data")).toHaveLength(1);
  });

  it("closes a subscriber that stops reading, and keeps delivering every event to the others", async () => {
    const session = "slow-session-1";
    const channel = captionChannel(session, "en");
    const slow = await subscriber(listenerToken(session, "slow"), [channel]);
    const fast = await subscriber(listenerToken(session, "fast"), [channel]);
    const connections = gateway.events.connectionCount;
    // The phone stops reading: its TCP window fills, then the server's queue for it grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = "y".repeat(100 * 1024);
    let sent = 0;
    for (let batch = 0; batch < 100 && gateway.events.connectionCount === connections; batch++) {
      const events = Array.from({ length: 5 }, (_, i) => JSON.stringify({ seq: sent + i, chunk }));
      expect((await publish(channel, events)).status).toBe(200);
      sent += events.length;
      // The fast phone reads everything before the next publish.
      await fast.next("data", (f) => f.event.includes(`"seq":${sent - 1},`));
    }
    expect(gateway.events.connectionCount).toBe(connections - 1);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.closed();
    expect(fast.events("s0").map((e) => (e as { seq: number }).seq)).toEqual(Array.from({ length: sent }, (_, i) => i));
    expect(fast.ws.readyState).toBe(fast.ws.OPEN);
  });
});
