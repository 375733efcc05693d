import { describe, expect, it } from "vitest";
import {
  LIFECYCLE_EVENT_SOURCE,
  parseLifecycleEvent,
  type SessionLifecycleEvent,
  toEventBridgeEntry,
  toLogLine,
} from "../src/lifecycleEvents.js";

const ended: SessionLifecycleEvent = {
  version: 1,
  type: "ended",
  sessionId: "amber-harbor-482",
  at: Date.UTC(2026, 10, 27, 20, 0, 0),
  ownerId: "local-owner",
  sourceLanguage: "en",
  targetLanguages: ["es", "fr"],
  reason: "cleanup",
};

describe("session lifecycle events", () => {
  it("become an EventBridge entry with the shared source and a readable detail type", () => {
    const entry = toEventBridgeEntry(ended, "babelcast-sessions");
    expect(entry.Source).toBe(LIFECYCLE_EVENT_SOURCE);
    expect(entry.DetailType).toBe("Session Ended");
    expect(entry.EventBusName).toBe("babelcast-sessions");
    expect(entry.Time.toISOString()).toBe("2026-11-27T20:00:00.000Z");
    expect(JSON.parse(entry.Detail)).toEqual(ended);
  });

  it("round-trip through one log line, so the embedded log and the bus carry the same event", () => {
    const line = toLogLine({ ...ended, type: "live", reason: undefined });
    expect(line.endsWith("\n")).toBe(true);
    expect(line.trimEnd()).not.toContain("\n");
    expect(parseLifecycleEvent(line)).toEqual({ ...ended, type: "live", reason: undefined });
  });

  it("refuse an unknown type, a malformed session id or an extra field", () => {
    expect(() => toLogLine({ ...ended, type: "deleted" as "ended" })).toThrow();
    expect(() => toEventBridgeEntry({ ...ended, sessionId: "Session 1" }, "bus")).toThrow(/session id/);
    expect(() => parseLifecycleEvent(JSON.stringify({ ...ended, extra: 1 }))).toThrow();
  });
});
