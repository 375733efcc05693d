import { describe, expect, it } from "vitest";
import type { ListenerState } from "../../src/connection/listenerSession.js";
import { statusNotice } from "../../src/connection/statusNotice.js";

type NoticeInput = Parameters<typeof statusNotice>[0];
const listening: NoticeInput = {
  phase: "listening",
  offline: false,
  audio: "playing",
  captionsReconnecting: false,
  status: "live",
  muted: false,
};
const with_ = (patch: Partial<ListenerState>): NoticeInput => ({ ...listening, ...patch });

describe("statusNotice", () => {
  it("says nothing while audio plays from a live talk", () => {
    expect(statusNotice(listening)).toBeUndefined();
  });

  it("is honest about a lost connection: reconnecting, never live", () => {
    expect(statusNotice(with_({ audio: "reconnecting" }))).toBe("reconnecting");
    expect(statusNotice(with_({ captionsReconnecting: true }))).toBe("reconnecting");
    expect(statusNotice(with_({ offline: true, audio: "reconnecting" }))).toBe("offline");
  });

  it("tells a paused, muted or not yet started talk apart", () => {
    expect(statusNotice(with_({ status: "paused" }))).toBe("paused");
    expect(statusNotice(with_({ muted: true }))).toBe("muted");
    expect(statusNotice(with_({ status: "created" }))).toBe("notStarted");
  });

  it("says captions only when audio capacity is full, above the presenter's mute", () => {
    expect(statusNotice(with_({ audio: "captions-only" }))).toBe("captionsOnly");
    expect(statusNotice(with_({ audio: "captions-only", muted: true }))).toBe("captionsOnly");
    expect(statusNotice(with_({ audio: "captions-only", status: "paused" }))).toBe("paused");
  });

  it("puts the end of the talk above everything", () => {
    expect(statusNotice(with_({ phase: "ended", status: "ended", offline: true }))).toBe("ended");
  });
});
