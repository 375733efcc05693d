import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_TABLE_NAMES } from "@babelcast/backend/tables/definitions.js";
import { createStores, type Stores } from "@babelcast/backend/tables/stores.js";
import { RelayHeartbeatResponse, RelayListResponse, RelayView } from "@babelcast/protocol/relayRegistry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RELAY_KEY_FILE } from "../../src/gateway/embeddedRuntime.js";
import { type Harness, openSocket, startHarness, type TestSocket, wsUrl } from "../gateway/harness.js";
import { relayAgentPid } from "../support/relayAgents.js";

/**
 * The pool across relays on the real embedded server: the console's direct capacity is 1, one
 * relay agent runs as a child process (started by the server when the audience nears that
 * capacity), and listeners join through the HTTP API as the page does.
 */

let h: Harness;
let stores: Stores;
let dynamo: DynamoDBDocumentClient;
const sockets: TestSocket[] = [];
/** The session whose pool channel the first test put on the relay. */
let relayedSession = "";

beforeAll(async () => {
  // A relay counts as dead only after a minute here: heartbeats crawl when the machine is loaded.
  h = await startHarness({
    sessions: { directCapacity: 1, relayDeadAfterSeconds: 60 },
    relays: { count: 1, capacity: 20 },
  });
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: h.server.context.region,
      endpoint: h.server.context.config.endpoints?.dynamodb,
      credentials: h.server.context.credentials,
    }),
  );
  stores = createStores(dynamo, DEFAULT_TABLE_NAMES);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  dynamo?.destroy();
  await h?.stop();
});

async function waitFor(what: string, check: () => Promise<boolean>, tries = 600): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Opens a socket as the pages do, trying again when a cold function fails the upgrade (the pages reconnect too). */
async function openWithRetry(url: string): Promise<TestSocket> {
  for (let attempt = 1; ; attempt++) {
    try {
      const socket = await openSocket(url);
      sockets.push(socket);
      return socket;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function joinAs(sessionId: string, language: string) {
  const joined = await h.api("POST", `/sessions/${sessionId}/listeners`, { language });
  expect(joined.status).toBe(200);
  sockets.push(await openSocket(wsUrl(h, { role: "listener", sessionId, token: joined.json.listenerToken as string })));
  return joined.json;
}

describe("listener pool across relays (embedded)", () => {
  it("starts a relay agent that registers, puts a join past the direct capacity on its channel and tells it the listener's language", {
    timeout: 180_000,
  }, async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Relays", sourceLanguage: "en", targetLanguages: ["es"] },
      h.ownerToken,
    );
    const id = created.json.id as string;
    relayedSession = id;
    const consoleWs = await openWithRetry(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));

    // The first listener is the console's own (direct capacity 1); its join wakes the relays.
    const first = await joinAs(id, "en");
    const session = await stores.sessions.get(id);
    const direct = session?.channels.find((c) => c.channelArn === first.audio.signaling.channelArn);
    expect(direct?.host ?? "console").toBe("console");
    await waitFor("the relay agent's registration", async () => {
      const relays = await stores.relays.list();
      return relays.some((r) => r.relayId === "relay-embedded-1");
    });

    const second = await joinAs(id, "es");
    expect(second.audio, JSON.stringify(second.audio)).toMatchObject({ mode: "webrtc" });
    const after = await stores.sessions.get(id);
    const relayed = after?.channels.find((c) => c.channelArn === second.audio.signaling.channelArn);
    expect(relayed).toMatchObject({ host: "relay", relayId: "relay-embedded-1" });
    // The relays' uplink exists and was announced to the console as such (never a listener's channel).
    expect(after?.uplink).toBeDefined();
    const announced = await consoleWs.next("channel-added", 30_000, (m) => m.purpose === "uplink");
    expect(announced.signaling.channelArn).toBe(after?.uplink?.channelArn);

    // The relay's desired state names the listener with its language once its socket is up.
    const key = readFileSync(join(h.dataDir, RELAY_KEY_FILE), "utf8").trim();
    let viewers: Record<string, string> = {};
    await waitFor("the listener's language in the relay's heartbeat answer", async () => {
      const res = await fetch(`${h.apiUrl}/relays/relay-embedded-1/heartbeat`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Relay ${key}` },
        body: JSON.stringify({ listeners: {}, sessions: {}, draining: false }),
      });
      const state = RelayHeartbeatResponse.parse(await res.json());
      viewers = state.sessions.find((s) => s.sessionId === id)?.viewers ?? {};
      return second.listenerId in viewers;
    });
    expect(viewers).toEqual({ [second.listenerId]: "es" });

    // Without the key, nothing is answered.
    const refused = await fetch(`${h.apiUrl}/relays/relay-embedded-1/heartbeat`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Relay wrong" },
      body: JSON.stringify({ listeners: {}, sessions: {}, draining: false }),
    });
    expect(refused.status).toBe(401);
  });

  it("marks a killed agent's relay as draining at once (so a live relay can adopt its channels), and live again once restarted", {
    timeout: 180_000,
  }, async () => {
    const pid = relayAgentPid("relay-embedded-1", join(h.dataDir, RELAY_KEY_FILE));
    expect(pid, "the relay agent's process").toBeDefined();
    const relay = async () => (await stores.relays.list()).find((r) => r.relayId === "relay-embedded-1");
    expect((await relay())?.draining).toBe(false);
    process.kill(pid!, "SIGKILL");
    // relayDeadAfterSeconds is a minute here: only the supervisor's report can mark it this soon.
    await waitFor("the killed relay marked draining", async () => (await relay())?.draining === true, 300);
    await waitFor("the restarted agent registered (live, not draining)", async () => {
      const now = relayAgentPid("relay-embedded-1", join(h.dataDir, RELAY_KEY_FILE));
      return now !== undefined && now !== pid && (await relay())?.draining === false;
    });
  });

  it("lets an operator list the relays and drain one: it keeps what no live relay can take, then exits once it serves nothing and comes back live", {
    timeout: 180_000,
  }, async () => {
    const keyFile = join(h.dataDir, RELAY_KEY_FILE);
    const key = readFileSync(keyFile, "utf8").trim();
    const operator = (method: string, path: string, authorization = `Relay ${key}`) =>
      fetch(`${h.apiUrl}${path}`, { method, headers: { authorization } });
    const listed = async () => RelayListResponse.parse(await (await operator("GET", "/relays")).json()).relays;

    expect((await operator("GET", "/relays", "Relay wrong")).status).toBe(401);
    expect((await operator("POST", "/relays/relay-embedded-1/drain", `Bearer ${h.ownerToken}`)).status).toBe(401);
    expect((await operator("POST", "/relays/relay-nobody/drain")).status).toBe(404);
    expect((await operator("POST", "/relays/not-a-relay/drain")).status).toBe(400);
    await waitFor("the relay listed alive", async () =>
      (await listed()).some((r) => r.relayId === "relay-embedded-1" && r.alive),
    );
    expect((await listed()).find((r) => r.relayId === "relay-embedded-1")).toMatchObject({
      draining: false,
      sessions: [relayedSession],
    });

    const pid = relayAgentPid("relay-embedded-1", keyFile);
    const drained = await operator("POST", "/relays/relay-embedded-1/drain");
    expect(drained.status).toBe(200);
    const view = RelayView.parse(await drained.json());
    expect(view).toMatchObject({ relayId: "relay-embedded-1", draining: true, sessions: [relayedSession] });

    // No other relay has room here: after two more of its heartbeats it still masters its channel, still drains.
    const seen = view.lastSeenAt;
    await waitFor("two heartbeats of the drained relay", async () => {
      const r = (await listed()).find((x) => x.relayId === "relay-embedded-1");
      return (r?.lastSeenAt ?? 0) > seen + 1000;
    });
    expect((await listed()).find((r) => r.relayId === "relay-embedded-1")).toMatchObject({
      draining: true,
      sessions: [relayedSession],
    });
    expect(relayAgentPid("relay-embedded-1", keyFile)).toBe(pid);
    const session = await stores.sessions.get(relayedSession);
    expect(session?.channels.some((c) => c.relayId === "relay-embedded-1")).toBe(true);

    // The session ends: the drained relay serves nothing, exits, and its supervisor starts it again, live.
    expect((await h.api("DELETE", `/sessions/${relayedSession}`, undefined, h.ownerToken)).status).toBe(200);
    await waitFor("the drained agent replaced and registered live", async () => {
      const now = relayAgentPid("relay-embedded-1", keyFile);
      const r = (await listed()).find((x) => x.relayId === "relay-embedded-1");
      return now !== undefined && now !== pid && r?.draining === false && r.alive;
    });
  });
});
