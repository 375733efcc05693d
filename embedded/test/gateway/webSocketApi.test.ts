import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createListenerToken } from "@babelcast/backend/services/listenerTokens.js";
import { LIFECYCLE_EVENT_LOG_FILE, MAX_CLIENT_MESSAGE_BYTES, parseLifecycleEvent } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENER_SECRET_FILE } from "../../src/gateway/embeddedRuntime.js";
import {
  type Harness,
  openListener,
  openSocket,
  startHarness,
  type TestListener,
  type TestSocket,
  wsUrl,
} from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { countsDebounceMs: 20 } });
});
afterAll(async () => {
  await h?.stop();
});

interface Session {
  id: string;
  console: TestSocket;
}

async function liveSession(): Promise<Session> {
  const res = await h.api(
    "POST",
    "/sessions",
    { title: "Talk", sourceLanguage: "en", targetLanguages: ["es", "fr"] },
    h.ownerToken,
  );
  expect(res.status, res.text).toBe(201);
  const id = res.json.id as string;
  return { id, console: await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken })) };
}

/** A listener as the page is one: its WebSocket and its language's caption channel. */
async function listen(
  id: string,
  language = "en",
): Promise<{ socket: TestListener; listenerId: string; token: string }> {
  const j = await h.api("POST", `/sessions/${id}/listeners`, { language });
  expect(j.status, j.text).toBe(200);
  const socket = await openListener(h.server.context.config, id, j.json.listenerToken, language);
  return { socket, listenerId: j.json.listenerId, token: j.json.listenerToken };
}

function segment(seq: number, text: string) {
  const now = Date.now();
  return {
    action: "segment",
    seq,
    text,
    startTime: seq,
    endTime: seq + 0.9,
    stages: { committedAt: now, sentAt: now, spokenEndAt: now - 300 },
  };
}

async function segmentCount(id: string): Promise<number> {
  const t = await h.api("GET", `/sessions/${id}/transcript?format=txt`, undefined, h.ownerToken);
  return t.text.split("\n").filter(Boolean).length;
}

describe("$connect", () => {
  // A Lambda REQUEST authorizer can only admit, deny (403) or throw "Unauthorized" (401): the
  // reason stays in the function's log, as in API Gateway.
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-output.html
  it.each([
    ["no role", (id: string) => ({ sessionId: id, token: "x" })],
    ["a malformed session id", () => ({ role: "listener", sessionId: "nope", token: "x" })],
    ["an unknown session", () => ({ role: "listener", sessionId: "quiet-comet-000", token: "x" })],
    ["no token", (id: string) => ({ role: "listener", sessionId: id })],
    ["a forged listener token", (id: string) => ({ role: "listener", sessionId: id, token: "v1.e30.AAAA" })],
    ["a wrong owner token", (id: string) => ({ role: "console", sessionId: id, token: "w".repeat(32) })],
  ])("refuses %s with 401 Unauthorized, as API Gateway's authorizer does", async (_name, query) => {
    const s = await liveSession();
    const err = await openSocket(wsUrl(h, query(s.id) as Record<string, string>)).catch((e) => e);
    expect(err.status).toBe(401);
    expect(JSON.parse(err.body).error.message).toBe("Unauthorized");
    await s.console.close();
  });

  it("refuses an expired listener token and a token of another session", async () => {
    const a = await liveSession();
    const b = await liveSession();
    const joined = await h.api("POST", `/sessions/${a.id}/listeners`, { language: "en" });
    const secret = readFileSync(join(h.dataDir, LISTENER_SECRET_FILE), "utf8").trim();
    const expired = createListenerToken({ s: a.id, l: joined.json.listenerId, exp: Date.now() - 1 }, secret);
    const e1 = await openSocket(wsUrl(h, { role: "listener", sessionId: a.id, token: expired })).catch((e) => e);
    expect(e1.status).toBe(401);
    const e2 = await openSocket(
      wsUrl(h, { role: "listener", sessionId: b.id, token: joined.json.listenerToken }),
    ).catch((e) => e);
    expect(e2.status).toBe(401);
    await a.console.close();
    await b.console.close();
  });

  it("refuses a listener token used as the console", async () => {
    const s = await liveSession();
    const l = await listen(s.id);
    const err = await openSocket(wsUrl(h, { role: "console", sessionId: s.id, token: l.token })).catch((e) => e);
    expect(err.status).toBe(401);
    await l.socket.close();
    await s.console.close();
  });
});

describe("console messages", () => {
  it("a segment is stored once and published once to each listened language's caption channel", async () => {
    const s = await liveSession();
    const en = await listen(s.id, "en");
    const es = await listen(s.id, "es");
    s.console.send(segment(0, "Good morning everyone."));
    const caption = await en.socket.next("caption");
    expect(caption).toMatchObject({
      language: "en",
      seq: 0,
      segmentSeq: 0,
      text: "Good morning everyone.",
    });
    expect(caption.spokenEndAt).toBeGreaterThan(0);
    const progress = await s.console.next("segment-progress");
    expect(progress.source.receivedAt).toBeGreaterThan(0);
    expect(progress.source.persistedAt).toBeGreaterThanOrEqual(progress.source.receivedAt ?? 0);
    expect(progress.stages.deliveredAt).toBeGreaterThan(0);
    // A re-send of the same seq changes nothing and is not delivered twice.
    s.console.send(segment(0, "Good morning everyone."));
    s.console.send(segment(1, "Welcome."));
    await en.socket.next("caption", 5000, (m) => m.seq === 1);
    expect(en.socket.messages.filter((m) => m.type === "caption")).toHaveLength(2);
    // Spanish listeners get Spanish captions (translated), never the English ones.
    expect(es.socket.messages.filter((m) => m.type === "caption" && m.language !== "es")).toHaveLength(0);
    expect(await segmentCount(s.id)).toBe(2);
    for (const x of [en.socket, es.socket, s.console]) await x.close();
  });

  it("partials reach source-language listeners through the caption channel, not other languages", async () => {
    const s = await liveSession();
    const en = await listen(s.id, "en");
    const es = await listen(s.id, "es");
    s.console.send({ action: "partial", text: "and now" });
    expect((await en.socket.next("partial")).text).toBe("and now");
    s.console.send(segment(0, "And now."));
    await es.socket.next("caption");
    expect(es.socket.messages.filter((m) => m.type === "partial")).toHaveLength(0);
    await en.socket.close();
    await es.socket.close();
    await s.console.close();
  });

  it("status goes to everyone and is stored", async () => {
    const s = await liveSession();
    const en = await listen(s.id, "es");
    s.console.send({ action: "status", status: "live", muted: true });
    expect(await en.socket.next("session-status")).toMatchObject({ status: "live", muted: true });
    expect((await h.api("GET", `/sessions/${s.id}`)).json).toMatchObject({ status: "live", muted: true });
    const log = readFileSync(join(h.dataDir, LIFECYCLE_EVENT_LOG_FILE), "utf8");
    expect(log).toContain(`"type":"live","sessionId":"${s.id}"`);
    await en.socket.close();
    await s.console.close();
  });

  it("end notifies everyone and ends the session, transcript kept", async () => {
    const s = await liveSession();
    const en = await listen(s.id, "en");
    s.console.send(segment(0, "Goodbye."));
    await en.socket.next("caption");
    s.console.send({ action: "end" });
    expect((await en.socket.next("session-status")).status).toBe("ended");
    expect((await h.api("GET", `/sessions/${s.id}`)).json.status).toBe("ended");
    expect((await h.api("GET", `/sessions/${s.id}/transcript`, undefined, h.ownerToken)).text).toBe("Goodbye.\n");
    // Integrations saw the session's life in the data dir's lifecycle log.
    const events = readFileSync(join(h.dataDir, LIFECYCLE_EVENT_LOG_FILE), "utf8")
      .trim()
      .split("\n")
      .map(parseLifecycleEvent)
      .filter((e) => e.sessionId === s.id);
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ["created", undefined],
      ["ended", "owner"],
    ]);
    await en.socket.close();
    await s.console.close();
  });

  it.each([
    ["not JSON", "hello there", /not JSON/],
    ["no action", { text: "x" }, /no action/],
    ["an unknown action", { action: "shout" }, /unknown action "shout"/],
    ["a segment without text", { ...segment(5, "x"), text: "" }, /text/],
    ["a segment with a mistyped seq", { ...segment(5, "x"), seq: "five" }, /seq/],
    ["a segment ending before it starts", { ...segment(5, "x"), startTime: 9, endTime: 1 }, /endTime/],
    ["a segment with an unknown field", { ...segment(5, "x"), extra: true }, /extra/],
    ["a status with a bad value", { action: "status", status: "dancing", muted: false }, /status/],
    ["an oversized message", { action: "partial", text: "x".repeat(MAX_CLIENT_MESSAGE_BYTES) }, /at most/],
  ])("answers %s with an error message and stores nothing", async (_name, message, text) => {
    const s = await liveSession();
    const en = await listen(s.id, "en");
    s.console.sendInFrames(message);
    const error = await s.console.next("error");
    expect(error.message).toMatch(text);
    expect(await segmentCount(s.id)).toBe(0);
    expect((await h.api("GET", `/sessions/${s.id}`)).json.status).toBe("created");
    expect(en.socket.messages.filter((m) => m.type === "caption" || m.type === "partial")).toHaveLength(0);
    await en.socket.close();
    await s.console.close();
  });
});

describe("listener messages", () => {
  it("a listener cannot publish, change status or end the session", async () => {
    const s = await liveSession();
    const l = await listen(s.id, "en");
    for (const m of [segment(0, "Fake"), { action: "status", status: "paused", muted: true }, { action: "end" }]) {
      l.socket.messages.length = 0;
      l.socket.send(m);
      expect((await l.socket.next("error")).code).toBe("Forbidden");
    }
    expect(await segmentCount(s.id)).toBe(0);
    expect((await h.api("GET", `/sessions/${s.id}`)).json.status).toBe("created");
    await l.socket.close();
    await s.console.close();
  });

  it("hello resends the captions after lastSeq", async () => {
    const s = await liveSession();
    const first = await listen(s.id, "en");
    for (let i = 0; i < 3; i++) s.console.send(segment(i, `Line ${i}.`));
    await first.socket.next("caption", 5000, (m) => m.seq === 2);
    const late = await listen(s.id, "en");
    late.socket.send({ action: "hello", lastSeq: 0 });
    await late.socket.next("caption", 5000, (m) => m.seq === 2);
    expect(late.socket.messages.filter((m) => m.type === "caption").map((m) => (m as { seq: number }).seq)).toEqual([
      1, 2,
    ]);
    expect(late.socket.messages.some((m) => m.type === "session-status")).toBe(true);
    for (const x of [first.socket, late.socket, s.console]) await x.close();
  });

  it("language switches are acknowledged, counted, and route later captions", async () => {
    const s = await liveSession();
    const l = await listen(s.id, "es");
    await s.console.next("listener-counts", 5000, (m) => m.byLanguage.es === 1);
    await l.socket.switchLanguage("en");
    expect((await l.socket.next("language-changed")).language).toBe("en");
    const counts = await s.console.next("listener-counts", 5000, (m) => m.byLanguage.en === 1);
    expect(counts.byLanguage.es ?? 0).toBe(0);
    expect(counts.byViewer?.[l.listenerId]).toBe("en");
    s.console.send(segment(0, "Now in English."));
    expect((await l.socket.next("caption")).text).toBe("Now in English.");
    l.socket.send({ action: "language", language: "de" });
    expect((await l.socket.next("error")).message).toMatch(/not offered/);
    await l.socket.close();
    await s.console.close();
  });

  it("the console sees listener counts rise and fall", async () => {
    const s = await liveSession();
    const a = await listen(s.id, "en");
    const b = await listen(s.id, "fr");
    const up = await s.console.next("listener-counts", 5000, (m) => m.total === 2);
    expect(up.byLanguage).toEqual({ en: 1, fr: 1 });
    expect(Object.values(up.byChannel)).toEqual([2]);
    await b.socket.close();
    const down = await s.console.next("listener-counts", 5000, (m) => m.total === 1);
    expect(down.byLanguage).toEqual({ en: 1 });
    s.console.send({ action: "hello" });
    await s.console.next("session-status");
    await a.socket.close();
    await s.console.close();
  });
});
