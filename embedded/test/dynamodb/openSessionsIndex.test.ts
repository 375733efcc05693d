import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { createTableInput, TABLES } from "@babelcast/backend/tables/definitions.js";
import type { SessionRecord } from "@babelcast/backend/tables/records.js";
import { SessionStore } from "@babelcast/backend/tables/stores.js";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The scheduled cleanup finds open sessions through the sessions table's `byStatus` index,
 * on the embedded server's table engine (dynalite), with the table created from the shared
 * definition exactly as the embedded server and the stack create it.
 */

const store = dynalite({ createTableMs: 0 });
const commands: string[] = [];
let client: DynamoDBClient;
let dynamo: DynamoDBDocumentClient;
let sessions: SessionStore;
const TABLE = TABLES.sessions.tableName;

function session(sessionId: string, status: SessionRecord["status"], createdAt: number): SessionRecord {
  return {
    sessionId,
    ownerId: "owner-1",
    title: sessionId,
    sourceLanguage: "en",
    targetLanguages: ["es"],
    glossary: [],
    voices: {},
    audioCapacity: 10,
    transcriptPublic: false,
    status,
    muted: false,
    createdAt,
    updatedAt: createdAt,
    channels: [],
  } as SessionRecord;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => store.listen(0, "127.0.0.1", () => resolve()));
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(store.address() as AddressInfo).port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  // Records every command the store sends: the real client, observed.
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  await client.send(new CreateTableCommand(createTableInput(TABLES.sessions)));
  dynamo = DynamoDBDocumentClient.from(client);
  sessions = new SessionStore(dynamo, TABLE);
  const records = [
    session("amber-harbor-101", "created", 1),
    session("cedar-meadow-102", "live", 2),
    session("quiet-river-103", "paused", 3),
    ...Array.from({ length: 40 }, (_, i) => session(`old-talk-${i}`, "ended", 10 + i)),
  ];
  for (const Item of records) await dynamo.send(new PutCommand({ TableName: TABLE, Item }));
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => store.close(() => resolve()));
});

describe("open sessions for the cleanup", () => {
  it("are every session not ended, found by querying the byStatus index, never by a scan", async () => {
    commands.length = 0;
    const open = await sessions.listOpen();
    expect(open.map((s) => s.sessionId).sort()).toEqual(["amber-harbor-101", "cedar-meadow-102", "quiet-river-103"]);
    expect(open.find((s) => s.sessionId === "cedar-meadow-102")?.audioCapacity).toBe(10);
    expect(commands).not.toContain("ScanCommand");
    expect(commands.filter((c) => c === "QueryCommand")).toHaveLength(3);
    // One consistent read per open session, none for the 40 ended ones.
    expect(commands.filter((c) => c === "GetItemCommand")).toHaveLength(3);
  });

  it("drop a session once it ends", async () => {
    await dynamo.send(new PutCommand({ TableName: TABLE, Item: session("cedar-meadow-102", "ended", 2) }));
    const open = await sessions.listOpen();
    expect(open.map((s) => s.sessionId).sort()).toEqual(["amber-harbor-101", "quiet-river-103"]);
  });
});
