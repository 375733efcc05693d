import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handOffCodeHash, newHandOffCode } from "../../src/services/handOffCodes.js";
import type { SessionRecord } from "../../src/services/sessionRecords.js";
import { createTableInput, DEFAULT_TABLE_NAMES, TABLES } from "../../src/tables/definitions.js";
import { createStores, type Stores } from "../../src/tables/stores.js";

/**
 * A hand-off on the embedded server's table engine (dynalite), tables from the shared
 * definitions: a code is used once and only before it expires, and of two owner swaps at the
 * same hand-off count exactly one lands.
 */

const NOW = 1_800_000_000_000;
const server = dynalite({ createTableMs: 0 });
let stores: Stores;
let sessionSeq = 0;
const BEN = { ownerId: "cognito:ben", email: "ben@example.org" };
const CY = { ownerId: "cognito:cy", email: "cy@example.org" };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  for (const id of ["sessions", "coordination", "segments"] as const) {
    await client.send(new CreateTableCommand(createTableInput(TABLES[id])));
  }
  stores = createStores(DynamoDBDocumentClient.from(client), DEFAULT_TABLE_NAMES);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function liveSession(): Promise<SessionRecord> {
  const record = {
    sessionId: `brave-otter-${String(100 + sessionSeq++)}`,
    ownerId: "cognito:ana",
    title: "T",
    sourceLanguage: "en",
    targetLanguages: [],
    glossary: [],
    voices: {},
    audioCapacity: 10,
    transcriptPublic: false,
    status: "live",
    muted: false,
    createdAt: NOW,
    updatedAt: NOW,
    channels: [],
  } satisfies SessionRecord;
  expect(await stores.sessions.create(record)).toBe(true);
  return record;
}

describe("hand-off codes in the coordination table", () => {
  it("claims a code once: the second claim is told it was used", async () => {
    const { sessionId } = await liveSession();
    const hash = handOffCodeHash(newHandOffCode());
    await stores.coordination.putHandOff(sessionId, hash, NOW + 60_000, "cognito:ana", NOW);
    expect(await stores.coordination.claimHandOff(sessionId, hash, BEN, NOW + 1)).toBe("claimed");
    expect(await stores.coordination.claimHandOff(sessionId, hash, CY, NOW + 2)).toBe("used");
  });

  it("refuses a code after it expired, and one never issued", async () => {
    const { sessionId } = await liveSession();
    const hash = handOffCodeHash(newHandOffCode());
    await stores.coordination.putHandOff(sessionId, hash, NOW + 60_000, "cognito:ana", NOW);
    expect(await stores.coordination.claimHandOff(sessionId, hash, BEN, NOW + 60_000)).toBe("expired");
    const other = handOffCodeHash(newHandOffCode());
    expect(await stores.coordination.claimHandOff(sessionId, other, BEN, NOW)).toBe("unknown");
  });

  it("does not find a code under another session", async () => {
    const a = await liveSession();
    const b = await liveSession();
    const hash = handOffCodeHash(newHandOffCode());
    await stores.coordination.putHandOff(a.sessionId, hash, NOW + 60_000, "cognito:ana", NOW);
    expect(await stores.coordination.claimHandOff(b.sessionId, hash, BEN, NOW)).toBe("unknown");
  });

  it("a hand-off to a named presenter is claimed by that presenter only", async () => {
    const { sessionId } = await liveSession();
    const hash = handOffCodeHash(newHandOffCode());
    await stores.coordination.putHandOff(sessionId, hash, NOW + 60_000, "cognito:ana", NOW, "ben@example.org");
    expect(await stores.coordination.claimHandOff(sessionId, hash, CY, NOW)).toBe("for-another-presenter");
    // A console signed in with the owner token carries no e-mail: not the named presenter either.
    expect(await stores.coordination.claimHandOff(sessionId, hash, { ownerId: "local-owner" }, NOW)).toBe(
      "for-another-presenter",
    );
    expect(await stores.coordination.claimHandOff(sessionId, hash, BEN, NOW)).toBe("claimed");
  });
});

describe("hand-offs waiting for a named presenter", () => {
  it("lists a named hand-off for its presenter only, until it expires or is claimed", async () => {
    const { sessionId } = await liveSession();
    const hash = handOffCodeHash(newHandOffCode());
    const listing = { title: "Keynote", from: "ana@example.org" };
    await stores.coordination.putHandOff(sessionId, hash, NOW + 60_000, "cognito:ana", NOW, "dee@example.org", listing);
    expect(await stores.coordination.handOffsFor("dee@example.org", NOW)).toEqual([
      { sessionId, handOff: hash, title: "Keynote", from: "ana@example.org", validUntil: NOW + 60_000 },
    ]);
    expect(await stores.coordination.handOffsFor("cy@example.org", NOW)).toEqual([]);
    // Expired: off the list even before TTL deletes it.
    expect(await stores.coordination.handOffsFor("dee@example.org", NOW + 60_000)).toEqual([]);
    await stores.coordination.unlistHandOff("dee@example.org", sessionId, hash);
    expect(await stores.coordination.handOffsFor("dee@example.org", NOW)).toEqual([]);
  });

  it("an unnamed hand-off is listed for nobody", async () => {
    const { sessionId } = await liveSession();
    await stores.coordination.putHandOff(
      sessionId,
      handOffCodeHash(newHandOffCode()),
      NOW + 60_000,
      "cognito:ana",
      NOW,
    );
    expect(await stores.coordination.handOffsFor("", NOW)).toEqual([]);
  });

  it("claiming by listed id works only for a hand-off that names the claimant", async () => {
    const { sessionId } = await liveSession();
    const open = handOffCodeHash(newHandOffCode());
    await stores.coordination.putHandOff(sessionId, open, NOW + 60_000, "cognito:ana", NOW);
    // An unnamed hand-off needs its code: its hash alone claims nothing.
    expect(await stores.coordination.claimHandOff(sessionId, open, BEN, NOW, true)).toBe("for-another-presenter");
    const named = handOffCodeHash(newHandOffCode());
    await stores.coordination.putHandOff(sessionId, named, NOW + 60_000, "cognito:ana", NOW, BEN.email);
    expect(await stores.coordination.claimHandOff(sessionId, named, CY, NOW, true)).toBe("for-another-presenter");
    expect(await stores.coordination.claimHandOff(sessionId, named, BEN, NOW, true)).toBe("claimed");
  });
});

describe("owner swap", () => {
  it("of two swaps at the same hand-off count, one lands and the count rises by one", async () => {
    const { sessionId } = await liveSession();
    const from = { ownerId: "cognito:ana", hubEpoch: 0 };
    const results = await Promise.all([
      stores.sessions.transferOwner(sessionId, from, "cognito:ben", NOW),
      stores.sessions.transferOwner(sessionId, from, "cognito:cy", NOW),
    ]);
    const landed = results.filter((r) => r !== undefined);
    expect(landed).toHaveLength(1);
    const stored = await stores.sessions.get(sessionId);
    expect(stored?.hubEpoch).toBe(1);
    expect(stored?.ownerId).toBe(landed[0]?.ownerId);
    // The next swap must name the new count.
    expect(await stores.sessions.transferOwner(sessionId, from, "cognito:dee", NOW)).toBeUndefined();
    const next = await stores.sessions.transferOwner(
      sessionId,
      { ownerId: stored?.ownerId ?? "", hubEpoch: 1 },
      "cognito:ana",
      NOW,
    );
    expect(next?.hubEpoch).toBe(2);
  });

  it("does not swap the owner of an ended session", async () => {
    const { sessionId } = await liveSession();
    await stores.sessions.update(sessionId, { status: "ended" });
    const out = await stores.sessions.transferOwner(sessionId, { ownerId: "cognito:ana", hubEpoch: 0 }, "x", NOW);
    expect(out).toBeUndefined();
  });

  it("reads the last stored segment seq, -1 before any", async () => {
    const { sessionId } = await liveSession();
    expect(await stores.segments.lastSeq(sessionId)).toBe(-1);
    for (const seq of [3, 12, 7]) {
      await stores.segments.create({
        sessionId,
        seq,
        text: "hello",
        startTime: 0,
        endTime: 1,
        stages: { committedAt: NOW, sentAt: NOW },
        languages: [],
        translations: {},
      });
    }
    expect(await stores.segments.lastSeq(sessionId)).toBe(12);
  });
});
