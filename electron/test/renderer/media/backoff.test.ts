import type { ConfigDocument, SessionOwnerView } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { grantIsFresh, reconnectDelayMs } from "../../../src/renderer/media/backoff.js";

const _config: ConfigDocument = {
  version: 1,
  mode: "embedded",
  region: "us-east-1",
  apiUrl: "http://127.0.0.1:8080/api",
  webSocketUrl: "ws://127.0.0.1:8080/ws",
  listenerUrl: "http://127.0.0.1:8080",
  auth: { kind: "owner-token" },
};

const _view = (id: string, status: SessionOwnerView["status"], createdAt: number): SessionOwnerView => ({
  id,
  title: id,
  sourceLanguage: "en",
  targetLanguages: ["es"],
  status,
  muted: false,
  passcodeRequired: false,
  transcriptPublic: false,
  glossary: [],
  voices: {},
  audioCapacity: 100,
  createdAt,
  listenerPageUrl: `http://127.0.0.1:8080/s/${id}`,
  channels: [],
});

describe("reconnect timing", () => {
  it("backs off from half a second to ten seconds", () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(500);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(4000);
    expect(reconnectDelayMs(20, () => 0.5)).toBe(10_000);
    expect(reconnectDelayMs(0, () => 0)).toBe(400);
  });
  it("asks for a fresh presigned URL shortly before it expires", () => {
    expect(grantIsFresh(100_000, 0)).toBe(true);
    expect(grantIsFresh(100_000, 80_000)).toBe(false);
  });
});
