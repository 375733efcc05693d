import { type CaptionMessage, captionChannel, type ServerMessage } from "@babelcast/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HttpCaptionPublisher, httpCaptionPublisher } from "../../../src/aws/captionPublisher.js";
import type { BackendDeps } from "../../../src/handlers/shared/backendDeps.js";
import { languagesWithListeners, publishToLanguage, publishToSession } from "../../../src/handlers/shared/fanout.js";
import { journeyPorts } from "../../../src/handlers/shared/segmentHandOff.js";
import { createWebSocketHandler, type WsEvent } from "../../../src/handlers/ws/webSocketApi.js";
import type { SessionRecord } from "../../../src/services/sessionRecords.js";
import type { ConnectionRecord } from "../../../src/tables/records.js";
import { PUBLISH_CREDENTIALS, PUBLISH_REGION, PublishEndpoint } from "../../support/publishEndpoint.js";

const NOW = 1_800_000_000_000;
const SESSION_ID = "amber-harbor-482";

const connection = (connectionId: string, role: "console" | "listener", language?: string): ConnectionRecord => ({
  connectionId,
  sessionId: SESSION_ID,
  role,
  ...(language ? { listenerId: `l-${connectionId}`, language } : {}),
  connectedAt: NOW - 60_000,
  expiresAt: Math.ceil(NOW / 1000) + 3600,
});

const CONNECTIONS: ConnectionRecord[] = [
  connection("console-1", "console"),
  connection("phone-1", "listener", "es"),
  connection("phone-2", "listener", "es"),
  connection("phone-3", "listener", "en"),
];

let endpoint: PublishEndpoint;
let publisher: HttpCaptionPublisher;
let posted: { connectionId: string; message: ServerMessage }[];
let errors: string[];
let session: SessionRecord;

/**
 * Backend dependencies with the real HTTP caption publisher (signed requests to a local endpoint
 * that checks the signature) and in-memory session and connection rows; posts to connections are
 * recorded.
 */
function deps(): BackendDeps {
  return {
    config: { limits: { captionOrderWaitMs: 100 } },
    now: () => NOW,
    sleep: async () => undefined,
    random: () => 0.5,
    log: { info() {}, warn() {}, error: (m: string, f?: Record<string, unknown>) => errors.push(`${m} ${f?.error}`) },
    captions: publisher,
    sockets: {
      async send(connectionId: string, message: ServerMessage) {
        posted.push({ connectionId, message });
        return true;
      },
    },
    lifecycle: { publish: async () => undefined },
    // The journey's engine is not reached here (no translation runs).
    clients: { translate: {} },
    stores: {
      sessions: {
        get: async () => session,
        async update(_id: string, changes: Partial<SessionRecord>) {
          session = { ...session, ...changes };
          return session;
        },
      },
      connections: { listBySession: async () => CONNECTIONS },
      coordination: {
        // Under the 4-per-second rate (the rate itself is tested on the table engine).
        admitPartial: async () => true,
        consoleConnections: async () =>
          CONNECTIONS.filter((c) => c.role === "console").map(({ connectionId, connectedAt }) => ({
            connectionId,
            connectedAt,
          })),
        // The listener counters the connections above add up to.
        readCounts: async () => ({
          version: 1,
          counters: { total: 3, "lang#es": 2, "lang#en": 1 },
          viewersRev: 0,
          byViewer: {},
        }),
      },
    },
  } as unknown as BackendDeps;
}

const consoleEvent = (body: unknown): WsEvent =>
  ({
    requestContext: {
      routeKey: (body as { action: string }).action,
      connectionId: "console-1",
      authorizer: { role: "console", sessionId: SESSION_ID, ownerId: "owner-1" },
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as WsEvent;

const channels = () => endpoint.received.map((r) => r.channel).sort();

beforeEach(async () => {
  endpoint = new PublishEndpoint();
  await endpoint.start();
  publisher = httpCaptionPublisher({
    url: endpoint.url,
    region: PUBLISH_REGION,
    credentials: PUBLISH_CREDENTIALS,
    sleep: async () => undefined,
    random: () => 0.5,
  });
  posted = [];
  errors = [];
  session = {
    sessionId: SESSION_ID,
    ownerId: "owner-1",
    status: "live",
    muted: false,
    sourceLanguage: "en",
    targetLanguages: ["es", "de"],
  } as unknown as SessionRecord;
});
afterEach(async () => {
  publisher.close();
  await endpoint.stop();
});

describe("fan-out through the caption Event API", () => {
  it("publishes an event once per offered language (source included), whatever the number of listeners", async () => {
    const published = await publishToSession(deps(), session, {
      type: "session-status",
      status: "paused",
      muted: true,
    });
    expect(published).toBe(3);
    expect(channels()).toEqual(["de", "en", "es"].map((l) => captionChannel(SESSION_ID, l)));
    expect(endpoint.received.every((r) => r.events.length === 1)).toBe(true);
    expect(posted).toEqual([]);
  });

  it("logs a publish the Event API refuses and goes on (no throw), saying what it answered", async () => {
    endpoint.scripted.push({ status: 400, body: JSON.stringify({ errors: [{ errorType: "BadRequestException" }] }) });
    const ok = await publishToLanguage(deps(), SESSION_ID, "es", { type: "partial", text: "hola" });
    expect(ok).toBe(false);
    expect(errors).toEqual([expect.stringMatching(/caption event not published .*HTTP 400.*BadRequestException/)]);
  });

  it("status from the console: published to every language's channel and echoed to the console only", async () => {
    const handler = createWebSocketHandler(deps());
    const result = await handler(consoleEvent({ action: "status", status: "paused", muted: true }));
    expect(result.statusCode).toBe(200);
    expect(channels()).toEqual(["de", "en", "es"].map((l) => captionChannel(SESSION_ID, l)));
    expect(endpoint.received[0]?.events).toEqual([{ type: "session-status", status: "paused", muted: true }]);
    expect(posted).toEqual([
      { connectionId: "console-1", message: { type: "session-status", status: "paused", muted: true } },
    ]);
  });

  it("a partial goes to the source language's channel only, and to no connection", async () => {
    const handler = createWebSocketHandler(deps());
    const result = await handler(consoleEvent({ action: "partial", text: "the quick brown" }));
    expect(result.statusCode).toBe(200);
    expect(endpoint.received).toEqual([
      { channel: captionChannel(SESSION_ID, "en"), events: [{ type: "partial", text: "the quick brown" }] },
    ]);
    expect(posted).toEqual([]);
  });

  it("the segment journey publishes a caption to its language's channel and sends progress to the console only", async () => {
    const ports = journeyPorts(deps(), session, [CONNECTIONS[0] as ConnectionRecord]);
    const caption: CaptionMessage = {
      type: "caption",
      language: "es",
      seq: 4,
      segmentSeq: 4,
      text: "hola a todos",
      sourceText: "hello everyone",
    };
    expect(await ports.publisher.caption(caption)).toBe(1);
    await ports.publisher.progress({
      type: "segment-progress",
      segmentSeq: 4,
      language: "es",
      text: "hola a todos",
      source: {},
      stages: {},
    } as never);
    expect(endpoint.received).toEqual([{ channel: captionChannel(SESSION_ID, "es"), events: [caption] }]);
    expect(posted.map((p) => [p.connectionId, p.message.type])).toEqual([["console-1", "segment-progress"]]);
  });

  it("translates only into languages with a connected listener", async () => {
    expect(await languagesWithListeners(deps(), session)).toEqual(["en", "es"]);
  });
});
