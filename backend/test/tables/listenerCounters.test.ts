import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ServerMessage } from "@babelcast/protocol";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendDeps } from "../../src/handlers/shared/backendDeps.js";
import {
  listenerConnected,
  listenerCountsMessage,
  listenerDisconnected,
  reconcileListenerCounts,
} from "../../src/handlers/shared/listenerPresence.js";
import { countListeners, countsFromCounters } from "../../src/services/listenerCounts.js";
import { createTableInput, DEFAULT_TABLE_NAMES, TABLES } from "../../src/tables/definitions.js";
import type { ListenerRecord } from "../../src/tables/records.js";
import { createStores, type Stores } from "../../src/tables/stores.js";

/**
 * The session's listener counters on the embedded server's table engine (dynalite), tables
 * created from the shared definitions: each listener row change is one counters update taken
 * from the row's before → after, so counts equal a recount of the rows whatever the order
 * concurrent changes land in, and a repeated disconnect or a reconnect counts nothing twice.
 */

const NOW = 1_800_000_000_000;
const ARN = (i: number) => `arn:aws:kinesisvideo:us-east-1:123456789012:channel/test-s-${i}/1`;
const server = dynalite({ createTableMs: 0 });
const commands: string[] = [];
let stores: Stores;
let sessionSeq = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  for (const id of ["listeners", "coordination", "connections"] as const) {
    await client.send(new CreateTableCommand(createTableInput(TABLES[id])));
  }
  stores = createStores(DynamoDBDocumentClient.from(client), DEFAULT_TABLE_NAMES);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const newSession = () => `counts-${++sessionSeq}`;

function listener(sessionId: string, listenerId: string, changes: Partial<ListenerRecord> = {}): ListenerRecord {
  return {
    sessionId,
    listenerId,
    language: "es",
    connected: false,
    joinedAt: NOW,
    lastActiveAt: NOW,
    expiresAt: Math.ceil(NOW / 1000) + 86_400,
    ...changes,
  };
}

async function stored(sessionId: string) {
  const s = await stores.coordination.readCounts(sessionId);
  return { version: s.version, ...countsFromCounters(s.counters, s.byViewer) };
}

async function recount(sessionId: string) {
  return countListeners(await stores.listeners.listBySession(sessionId));
}

/** Backend deps over the real stores; the Management API is a recorder of what the console got. */
function depsFor(sent: { connectionId: string; message: ServerMessage }[]): BackendDeps {
  return {
    stores,
    now: () => NOW,
    sleep: async () => undefined,
    config: { limits: { countsDebounceMs: 0, slotGraceSeconds: 120 } },
    log: { info() {}, warn() {}, error() {} },
    sockets: {
      async send(connectionId: string, message: ServerMessage) {
        sent.push({ connectionId, message });
        return true;
      },
    },
  } as unknown as BackendDeps;
}

describe("listener counters in the coordination table", () => {
  it("a connect counts once; a reconnect on a new connection, the old connection's late disconnect and a repeated disconnect count nothing", async () => {
    const s = newSession();
    await stores.listeners.put(listener(s, "l-1", { channelArn: ARN(0), slotItem: "slot#0000#000" }));
    const first = await stores.listeners.setConnection(s, "l-1", "c-1", true, NOW);
    expect(first.countsVersion).toBe(1);
    expect(await stored(s)).toMatchObject({ total: 1, byLanguage: { es: 1 }, byChannel: { [ARN(0)]: 1 } });

    const reconnect = await stores.listeners.setConnection(s, "l-1", "c-2", true, NOW + 1);
    expect(reconnect.countsVersion).toBeUndefined();
    expect(reconnect.before?.connectionId).toBe("c-1");
    expect(reconnect.after?.connectionId).toBe("c-2");
    const lateOld = await stores.listeners.setConnection(s, "l-1", "c-1", false, NOW + 2);
    expect(lateOld).toEqual({});

    const leave = await stores.listeners.setConnection(s, "l-1", "c-2", false, NOW + 3);
    expect(leave.countsVersion).toBe(2);
    expect(leave.after).toMatchObject({ connected: false });
    expect(leave.after?.connectionId).toBeUndefined();
    expect(await stores.listeners.setConnection(s, "l-1", "c-2", false, NOW + 4)).toEqual({});
    expect(await stored(s)).toEqual({
      version: 2,
      total: 0,
      captionsOnly: 0,
      byLanguage: {},
      byChannel: {},
      byViewer: {},
    });
  });

  it("a language switch moves the count and the viewer's entry; the same language again takes no version", async () => {
    const s = newSession();
    await stores.listeners.put(listener(s, "l-1", { channelArn: ARN(0), slotItem: "slot#0000#000" }));
    await stores.listeners.put(listener(s, "l-2", { language: "fr" }));
    await stores.listeners.setConnection(s, "l-1", "c-1", true, NOW);
    await stores.listeners.setConnection(s, "l-2", "c-2", true, NOW);
    expect(await stored(s)).toMatchObject({ total: 2, captionsOnly: 1, byViewer: { "l-1": "es" } });

    const switched = await stores.listeners.setLanguage(s, "l-1", "fr", NOW);
    expect(switched.countsVersion).toBe(3);
    expect(await stored(s)).toMatchObject({ total: 2, byLanguage: { fr: 2 }, byViewer: { "l-1": "fr" } });
    expect((await stores.listeners.setLanguage(s, "l-1", "fr", NOW)).countsVersion).toBeUndefined();
  });

  it("losing the audio slot moves a connected listener to captions-only and out of byViewer", async () => {
    const s = newSession();
    await stores.listeners.put(listener(s, "l-1", { channelArn: ARN(0), slotItem: "slot#0000#000" }));
    await stores.listeners.setConnection(s, "l-1", "c-1", true, NOW);
    const dropped = await stores.listeners.dropSlot(s, "l-1", "slot#0000#000", "lost", NOW);
    expect(dropped.after?.channelArn).toBeUndefined();
    expect(await stored(s)).toMatchObject({ total: 1, captionsOnly: 1, byChannel: {}, byViewer: {} });
    expect(await stores.listeners.dropSlot(s, "l-1", "slot#0000#000", "lost", NOW)).toEqual({});
  });

  it("a rejoin (whole row written) while connected counts the language it changed to", async () => {
    const s = newSession();
    await stores.listeners.put(listener(s, "l-1"));
    await stores.listeners.setConnection(s, "l-1", "c-1", true, NOW);
    const previous = await stores.listeners.get(s, "l-1");
    await stores.listeners.put({ ...(previous as ListenerRecord), language: "de" });
    expect(await stored(s)).toMatchObject({ total: 1, captionsOnly: 1, byLanguage: { de: 1 } });
  });

  it("the console's counts message costs two reads of the coordination table, whatever the audience", async () => {
    const s = newSession();
    for (let i = 0; i < 30; i++) {
      await stores.listeners.put(listener(s, `l-${i}`));
      await stores.listeners.setConnection(s, `l-${i}`, `c-${i}`, true, NOW);
    }
    commands.length = 0;
    const message = await listenerCountsMessage(depsFor([]), s);
    expect(commands).toEqual(["GetItemCommand", "GetItemCommand"]);
    expect(message).toMatchObject({ type: "listener-counts", version: 30, total: 30 });
  });

  it("50 listeners joining, reconnecting, switching languages and leaving at once end with counts equal to a recount of their rows", async () => {
    const s = newSession();
    const languages = ["es", "fr", "de"];
    const journey = async (i: number) => {
      const id = `l-${i}`;
      const audio = i % 3 !== 0;
      await stores.listeners.put(
        listener(s, id, {
          language: languages[i % 3] as string,
          ...(audio ? { channelArn: ARN(i % 5), slotItem: `slot#000${i % 5}#00${i % 10}` } : {}),
        }),
      );
      await stores.listeners.setConnection(s, id, `c-${i}-a`, true, NOW);
      if (i % 2 === 0) await stores.listeners.setLanguage(s, id, languages[(i + 1) % 3] as string, NOW);
      if (i % 5 === 0) {
        // A page reload: the new connection's $connect races the old one's $disconnect.
        await Promise.all([
          stores.listeners.setConnection(s, id, `c-${i}-b`, true, NOW),
          stores.listeners.setConnection(s, id, `c-${i}-a`, false, NOW),
        ]);
      }
      if (i % 4 === 0) {
        const current = (await stores.listeners.get(s, id))?.connectionId ?? `c-${i}-a`;
        // The gateway's $disconnect and a fan-out that found the connection gone, at once.
        await Promise.all([
          stores.listeners.setConnection(s, id, current, false, NOW),
          stores.listeners.setConnection(s, id, current, false, NOW),
        ]);
      }
      if (i % 7 === 0 && audio) await stores.listeners.dropSlot(s, id, `slot#000${i % 5}#00${i % 10}`, "lost", NOW);
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => journey(i)));
    const truth = await recount(s);
    const { version, ...counts } = await stored(s);
    expect(counts).toEqual(truth);
    expect(truth.total).toBeGreaterThan(20);
    expect(Object.keys(truth.byViewer).length).toBeGreaterThan(5);
  });
});

describe("presence and the cleanup's correction", () => {
  it("a connect pushes the counts to the console with the change's version; a repeated disconnect pushes nothing", async () => {
    const s = newSession();
    const sent: { connectionId: string; message: ServerMessage }[] = [];
    const deps = depsFor(sent);
    await stores.connections.put({
      connectionId: "console",
      sessionId: s,
      role: "console",
      connectedAt: NOW,
      expiresAt: Math.ceil(NOW / 1000) + 3600,
    });
    await stores.coordination.addConsoleConnection(s, "console", NOW, NOW);
    await stores.listeners.put(listener(s, "l-1"));
    await listenerConnected(deps, s, "l-1", "c-1");
    expect(sent.map((m) => m.message)).toEqual([
      {
        type: "listener-counts",
        version: 1,
        total: 1,
        captionsOnly: 1,
        byLanguage: { es: 1 },
        byChannel: {},
        byViewer: {},
      },
    ]);
    const connection = {
      connectionId: "c-1",
      sessionId: s,
      role: "listener" as const,
      listenerId: "l-1",
      connectedAt: NOW,
      expiresAt: 0,
    };
    expect(await listenerDisconnected(deps, connection)).toBe(2);
    expect(await listenerDisconnected(deps, connection)).toBeUndefined();
  });

  it("counters that drifted from the rows are replaced by a recount, with a new version the console gets", async () => {
    const s = newSession();
    const sent: { connectionId: string; message: ServerMessage }[] = [];
    const deps = depsFor(sent);
    await stores.connections.put({
      connectionId: "console",
      sessionId: s,
      role: "console",
      connectedAt: NOW,
      expiresAt: Math.ceil(NOW / 1000) + 3600,
    });
    await stores.coordination.addConsoleConnection(s, "console", NOW, NOW);
    await stores.listeners.put(listener(s, "l-1", { channelArn: ARN(0), slotItem: "slot#0000#000" }));
    await stores.listeners.setConnection(s, "l-1", "c-1", true, NOW);
    // A container stopped between a listener's row and its counters: the counters are off.
    await stores.coordination.addToCounts(s, { total: 2, "lang#fr": 2, captionsOnly: 2 }, NOW);
    await stores.coordination.moveViewer(s, "l-gone", null, "fr", NOW);
    expect(await reconcileListenerCounts(deps, s)).toBe(true);
    const truth = await recount(s);
    expect(await stored(s)).toEqual({ version: 3, ...truth });
    expect(sent.at(-1)?.message).toEqual({ type: "listener-counts", version: 3, ...truth });
    // Nothing to correct the next time.
    expect(await reconcileListenerCounts(deps, s)).toBe(false);
  });

  it("a correction gives way to a listener change that landed after it read the counters", async () => {
    const s = newSession();
    await stores.listeners.put(listener(s, "l-1"));
    await stores.listeners.setConnection(s, "l-1", "c-1", true, NOW);
    const seen = await stores.coordination.readCounts(s);
    await stores.listeners.setLanguage(s, "l-1", "fr", NOW);
    expect(
      await stores.coordination.replaceCounts(s, seen, { total: 1, "lang#es": 1, captionsOnly: 1 }, NOW),
    ).toBeUndefined();
    expect(await stored(s)).toMatchObject({ byLanguage: { fr: 1 } });
  });
});

describe("partials per session and second", () => {
  it("admits the first four partials of a second and drops the rest, whichever container asks; the next second starts over", async () => {
    const s = newSession();
    const second = NOW - (NOW % 1000);
    const verdicts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => stores.coordination.admitPartial(s, 4, second + i * 50)),
    );
    expect(verdicts.filter(Boolean)).toHaveLength(4);
    expect(await stores.coordination.admitPartial(s, 4, second + 1000)).toBe(true);
  });
});

describe("console connections", () => {
  it("are found with one read of one item, whatever the audience, and forgotten when removed", async () => {
    const s = newSession();
    for (let i = 0; i < 30; i++) await stores.listeners.put(listener(s, `l-${i}`));
    await stores.coordination.addConsoleConnection(s, "console-a", NOW, NOW);
    await stores.coordination.addConsoleConnection(s, "console-b", NOW + 5, NOW + 5);
    commands.length = 0;
    const open = await stores.coordination.consoleConnections(s);
    expect(commands).toEqual(["GetItemCommand"]);
    expect(open.sort((a, b) => a.connectionId.localeCompare(b.connectionId))).toEqual([
      { connectionId: "console-a", connectedAt: NOW },
      { connectionId: "console-b", connectedAt: NOW + 5 },
    ]);
    await stores.coordination.removeConsoleConnection(s, "console-a");
    expect(await stores.coordination.consoleConnections(s)).toEqual([
      { connectionId: "console-b", connectedAt: NOW + 5 },
    ]);
  });
});
