import { describe, expect, it } from "vitest";
import {
  connectionOpen,
  DEFAULT_CLEANUP_POLICY,
  selectOrphans,
  selectStaleSessions,
} from "../../../backend/src/handlers/cleanup.js";
import type { ConnectionRecord, SessionRecord } from "../../../backend/src/tables/records.js";

// The scheduled cleanup handler the stack runs (backend/src/handlers/cleanup.ts): which sessions it ends.
const HOUR = 3600_000;
const now = Date.UTC(2026, 10, 27, 12);

function session(id: string, fields: Partial<SessionRecord>): SessionRecord {
  return {
    sessionId: id,
    ownerId: "owner",
    title: "Talk",
    sourceLanguage: "en",
    targetLanguages: ["es"],
    glossary: [],
    voices: {},
    audioCapacity: 100,
    transcriptPublic: false,
    status: "live",
    muted: false,
    createdAt: now - HOUR,
    updatedAt: now - HOUR,
    channels: [],
    ...fields,
  };
}

describe("stale session cleanup", () => {
  it("ends a session idle past the limit with no console connected", () => {
    const idle = session("amber-harbor-482", { updatedAt: now - 3 * HOUR, createdAt: now - 3 * HOUR });
    expect(selectStaleSessions([idle], () => false, now).map((s) => s.sessionId)).toEqual(["amber-harbor-482"]);
  });

  it("keeps a quiet session whose console is still connected", () => {
    const quiet = session("amber-harbor-482", { updatedAt: now - 3 * HOUR, createdAt: now - 3 * HOUR });
    expect(selectStaleSessions([quiet], () => true, now)).toEqual([]);
  });

  it("keeps a recently changed session and ignores ended ones", () => {
    const recent = session("amber-harbor-482", { updatedAt: now - 10 * 60_000 });
    const ended = session("cedar-meadow-101", { status: "ended", createdAt: now - 48 * HOUR });
    expect(selectStaleSessions([recent, ended], () => false, now)).toEqual([]);
  });

  it("ends any session older than the maximum age, console or not", () => {
    const old = session("amber-harbor-482", { createdAt: now - DEFAULT_CLEANUP_POLICY.maxAgeMs, updatedAt: now });
    expect(selectStaleSessions([old], () => true, now)).toHaveLength(1);
  });

  it("counts a connection record as open only until its TTL", () => {
    const record: ConnectionRecord = {
      connectionId: "c1",
      sessionId: "amber-harbor-482",
      role: "console",
      connectedAt: now - HOUR,
      expiresAt: Math.floor(now / 1000) + 60,
    };
    expect(connectionOpen(record, now)).toBe(true);
    expect(connectionOpen(record, now + 61_000)).toBe(false);
  });
});

describe("orphan terminology cleanup", () => {
  const statuses: Record<string, SessionRecord["status"]> = { "live-talk-1": "live", "ended-talk-2": "ended" };
  const statusOf = async (id: string) => statuses[id];
  const old = now - DEFAULT_CLEANUP_POLICY.orphanTerminologyAgeMs;

  it("deletes this deployment's terminologies of ended or unknown sessions once old enough", async () => {
    const found = [
      { name: "babelcast-live-talk-1", createdAt: old },
      { name: "babelcast-ended-talk-2", createdAt: old },
      { name: "babelcast-gone-talk-3", createdAt: old },
      { name: "babelcast-gone-talk-4", createdAt: now - 60_000 },
      { name: "othertool-gone-talk-5", createdAt: old },
      { name: "babelcast-gone-talk-6" },
    ];
    expect(await selectOrphans(found, "babelcast-", statusOf, now)).toEqual([
      "babelcast-ended-talk-2",
      "babelcast-gone-talk-3",
    ]);
  });
});
