import {
  type ApiError,
  CaptionChannelEvent,
  CaptionMessage,
  ConfigDocument,
  ErrorMessage,
  JoinResponse,
  LanguageChangedMessage,
  SessionPublic,
  SessionStatusMessage,
  SourcePartialMessage,
} from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import {
  apiErrorOf,
  type Checks,
  isFeedEvent,
  isJoinResponse,
  isListenerConfig,
  isSessionPublic,
  parseServerMessage,
} from "../../src/api/guards.js";

// Each sample passes the protocol's zod schema, so the hand-written guards are checked against the contract.
const session = SessionPublic.parse({
  id: "amber-harbor-482",
  title: "Keynote",
  sourceLanguage: "en",
  targetLanguages: ["es", "fr"],
  status: "live",
  muted: false,
  passcodeRequired: false,
  transcriptPublic: false,
});
const join = JoinResponse.parse({
  listenerId: "lst_0123456789",
  listenerToken: "token",
  language: "es",
  webSocketUrl: "ws://127.0.0.1:8080/ws",
  session,
  audio: {
    mode: "webrtc",
    signaling: {
      channelArn: "arn:aws:kinesisvideo:us-east-1:000000000000:channel/s-1/1",
      channelEndpoint: "ws://127.0.0.1:8080/aws/kvs-signaling/viewer",
      signedUrl: "ws://127.0.0.1:8080/aws/kvs-signaling/viewer?X-Amz-Signature=abc",
      region: "us-east-1",
      role: "VIEWER",
      clientId: "lst_0123456789",
      iceServers: [{ urls: "stun:127.0.0.1:3478" }],
      expiresAt: 1_800_000_000_000,
    },
  },
});

describe("type guards agree with the protocol schemas", () => {
  it("accept the config document", () => {
    const config = ConfigDocument.parse({
      version: 1,
      mode: "embedded",
      region: "us-east-1",
      apiUrl: "http://127.0.0.1:8080/api",
      webSocketUrl: "ws://127.0.0.1:8080/ws",
      listenerUrl: "http://127.0.0.1:8080",
      events: {
        httpUrl: "http://127.0.0.1:8080/aws/appsync-events/event",
        realtimeUrl: "ws://127.0.0.1:8080/aws/appsync-events/event/realtime",
      },
      auth: { kind: "owner-token" },
    });
    expect(isListenerConfig(config)).toBe(true);
    expect(isListenerConfig({ ...config, webSocketUrl: "http://x" })).toBe(false);
  });

  it("reject a config document without the caption Event API, or with endpoints that are not URLs of their kind", () => {
    const config = {
      version: 1,
      apiUrl: "https://api.example.com",
      webSocketUrl: "wss://ws.example.com",
      events: {
        httpUrl: "https://abc.appsync-api.us-east-1.amazonaws.com/event",
        realtimeUrl: "wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime",
      },
    };
    expect(isListenerConfig(config)).toBe(true);
    const { events: _, ...withoutEvents } = config;
    expect(isListenerConfig(withoutEvents)).toBe(false);
    for (const events of [
      { ...config.events, realtimeUrl: config.events.httpUrl },
      { ...config.events, httpUrl: config.events.realtimeUrl },
      { ...config.events, httpUrl: "https://" },
      { realtimeUrl: config.events.realtimeUrl },
    ]) {
      expect(isListenerConfig({ ...config, events })).toBe(false);
    }
  });

  it("accept a session and reject one with an unknown status", () => {
    expect(isSessionPublic(session)).toBe(true);
    expect(isSessionPublic({ ...session, status: "gone" })).toBe(false);
    expect(SessionPublic.safeParse({ ...session, status: "gone" }).success).toBe(false);
  });

  it("accept both kinds of join answer", () => {
    expect(isJoinResponse(join)).toBe(true);
    const captionsOnly = { ...join, audio: { mode: "captions-only", reason: "audio capacity (100) is full" } };
    expect(JoinResponse.safeParse(captionsOnly).success).toBe(true);
    expect(isJoinResponse(captionsOnly)).toBe(true);
  });

  it("reject a session missing a field of the contract, or with a field of the wrong type", () => {
    const { transcriptPublic: _, ...withoutField } = session;
    expect(SessionPublic.safeParse(withoutField).success).toBe(false);
    expect(isSessionPublic(withoutField)).toBe(false);
    expect(isSessionPublic({ ...session, muted: "no" })).toBe(false);
  });

  it("reject a join answer whose ICE servers are malformed", () => {
    const signaling = (join.audio as { signaling: object }).signaling;
    const bad = { ...join, audio: { mode: "webrtc", signaling: { ...signaling, iceServers: [{ urls: 3478 }] } } };
    expect(JoinResponse.safeParse(bad).success).toBe(false);
    expect(isJoinResponse(bad)).toBe(false);
  });

  it("reject a join answer with an audio mode the contract does not have", () => {
    const bad = { ...join, audio: { mode: "hls", reason: "x" } };
    expect(JoinResponse.safeParse(bad).success).toBe(false);
    expect(isJoinResponse(bad)).toBe(false);
  });

  it("reject a join answer whose grant is not a WebSocket URL", () => {
    const bad = {
      ...join,
      audio: {
        mode: "webrtc",
        signaling: { ...(join.audio as { signaling: object }).signaling, signedUrl: "http://x" },
      },
    };
    expect(JoinResponse.safeParse(bad).success).toBe(false);
    expect(isJoinResponse(bad)).toBe(false);
  });

  it("read the API's error body", () => {
    expect(apiErrorOf({ error: { code: "NotFound", message: "no such session" } })).toEqual({
      code: "NotFound",
      message: "no such session",
    });
    expect(apiErrorOf({ message: "nope" })).toBeUndefined();
  });
});

describe("parseServerMessage", () => {
  it("reads captions, status and language acks as the server sends them", () => {
    const caption = CaptionMessage.parse({
      type: "caption",
      language: "es",
      seq: 3,
      segmentSeq: 7,
      text: "Hola",
      sourceText: "Hello",
      spokenEndAt: 1_700_000_000_000,
    });
    expect(parseServerMessage(JSON.stringify(caption))).toMatchObject({ type: "caption", seq: 3, text: "Hola" });
    const status = SessionStatusMessage.parse({ type: "session-status", status: "paused", muted: true });
    expect(parseServerMessage(JSON.stringify(status))).toEqual(status);
    const ack = LanguageChangedMessage.parse({ type: "language-changed", language: "fr" });
    expect(parseServerMessage(JSON.stringify(ack))).toEqual(ack);
    const partial = SourcePartialMessage.parse({ type: "partial", text: "and now" });
    expect(parseServerMessage(JSON.stringify(partial))).toEqual(partial);
    const error = ErrorMessage.parse({ type: "error", code: "Throttled", message: "slow down" });
    expect(parseServerMessage(JSON.stringify(error))).toEqual(error);
  });

  it("ignores a type that is only a name on every object", () => {
    expect(parseServerMessage(JSON.stringify({ type: "toString" }))).toBeUndefined();
    expect(parseServerMessage(JSON.stringify({ type: "constructor" }))).toBeUndefined();
  });

  it("ignores malformed frames, binary data and message types meant for the console", () => {
    expect(parseServerMessage("{not json")).toBeUndefined();
    expect(parseServerMessage(new ArrayBuffer(4))).toBeUndefined();
    expect(parseServerMessage(JSON.stringify({ type: "listener-counts", total: 1 }))).toBeUndefined();
    expect(parseServerMessage(JSON.stringify({ type: "caption", seq: "3" }))).toBeUndefined();
  });
});

describe("isFeedEvent", () => {
  it("accepts each kind of caption channel event of the contract", () => {
    for (const event of [
      { type: "caption", language: "es", seq: 3, segmentSeq: 7, text: "Hola", sourceText: "Hello", spokenEndAt: 1 },
      { type: "partial", text: "and now" },
      { type: "session-status", status: "live", muted: false },
      { type: "source-language", sourceLanguage: "es", previousLanguage: "en", targetLanguages: ["en"] },
    ]) {
      expect(isFeedEvent(CaptionChannelEvent.parse(event))).toBe(true);
    }
  });

  it("rejects what the channel does not carry, and malformed events", () => {
    expect(isFeedEvent({ type: "language-changed", language: "fr" })).toBe(false);
    expect(isFeedEvent({ type: "error", code: "x", message: "y" })).toBe(false);
    expect(isFeedEvent({ type: "toString" })).toBe(false);
    expect(isFeedEvent({ type: "caption", seq: 3 })).toBe(false);
    expect(isFeedEvent(JSON.stringify({ type: "partial", text: "a JSON string, not parsed" }))).toBe(false);
  });
});

describe("Checks<T> ties each guard to the protocol type at compile time", () => {
  it("fails the typecheck when a protocol field has no check, or a check names no protocol field", () => {
    const check = () => true;
    // @ts-expect-error `message` of ApiError["error"] has no check
    const missing: Checks<ApiError["error"]> = { code: check };
    // @ts-expect-error `detail` is not a field of ApiError["error"]
    const extra: Checks<ApiError["error"]> = { code: check, message: check, detail: check };
    expect([missing, extra]).toHaveLength(2);
  });
});
