import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CaptionMessage, ChannelsResponse, JoinResponse, RefreshResponse } from "@babelcast/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import type { EmbeddedServiceFactory } from "../../src/embeddedContext.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import type { EmbeddedSettings } from "../../src/embeddedSettings.js";
import { EMBEDDED_SERVICES } from "../../src/services.js";
import { createTranslateService, type TranslateService } from "../../src/translate/translateService.js";
import { openListener, openSocket, type TestListener, type TestSocket } from "../gateway/harness.js";
import { b64, nextMessage, rawConnect } from "../kvs/kvsHarness.js";

/**
 * Faults a venue has, as far as Node reaches: the embedded server restarted mid-talk,
 * control and signaling sockets dropped, engines throttling, failing and slow (their fault
 * switches, flipped live). The pages' own reconnection in a browser is covered by their
 * Playwright tests: e2e/tests/listener/listenerPage.spec.ts (captions socket drops, resume
 * after the last caption), e2e/tests/listener/listenerLive.spec.ts (signaling drops, ICE
 * failure), e2e/tests/console/console.spec.ts (console reopened after a restart resumes its
 * session). Here the backend must keep everything they need to reconnect: the session, the
 * listener's slot and every segment, exactly once.
 */

interface Server {
  running: RunningEmbeddedServer;
  readonly dataDir: string;
  readonly port: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are checked by the tests' assertions and schemas
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: any }>;
  ws(query: Record<string, string>): Promise<TestSocket>;
  /** A listener as the page is one: its WebSocket and its language's caption channel. */
  listen(sessionId: string, token: string, language: string): Promise<TestListener>;
  /** Stops and starts again on the same port and data dir, as a restarted laptop server would. */
  restart(): Promise<void>;
}

const started: Server[] = [];
afterAll(async () => {
  for (const s of started.splice(0)) {
    await s.running.close();
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

async function start(settings: EmbeddedSettings = {}, services = EMBEDDED_SERVICES): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), "babelcast-faults-"));
  const first = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir, settings, services });
  const server: Server = {
    running: first,
    dataDir,
    port: Number(new URL(first.url).port),
    async api(method, path, body, token) {
      const res = await fetch(`${server.running.context.config.apiUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: await res.json().catch(() => undefined) };
    },
    ws(query) {
      return openSocket(`${server.running.context.config.webSocketUrl}?${new URLSearchParams(query)}`);
    },
    listen(sessionId, token, language) {
      return openListener(server.running.context.config, sessionId, token, language);
    },
    async restart() {
      await server.running.close();
      server.running = await startEmbeddedServer({ host: "127.0.0.1", port: server.port, dataDir, settings, services });
    },
  };
  started.push(server);
  return server;
}

const segment = (seq: number) => ({
  action: "segment",
  seq,
  text: `Sentence number ${seq}.`,
  startTime: seq,
  endTime: seq + 0.8,
  stages: { committedAt: Date.now(), sentAt: Date.now() },
});

/** Caption seqs a listener got, in arrival order. */
const captionSeqs = (socket: TestSocket, language: string) =>
  socket.messages
    .filter((m): m is CaptionMessage => m.type === "caption" && m.language === language)
    .map((m) => m.segmentSeq);

describe("the embedded server restarted mid-talk", () => {
  it("keeps the session, the listener's slot and the transcript; a console resend after reconnect neither loses nor duplicates a segment", async () => {
    const s = await start({ sessions: { countsDebounceMs: 0 } });
    const owner = s.running.context.ownerToken;
    const created = await s.api(
      "POST",
      "/sessions",
      { title: "Restart", sourceLanguage: "en", transcriptPublic: true },
      owner,
    );
    const id = created.json.id as string;
    const join = JoinResponse.parse((await s.api("POST", `/sessions/${id}/listeners`, { language: "en" })).json);
    const slot = join.audio.mode === "webrtc" ? join.audio.signaling.channelArn : undefined;
    expect(slot).toBeDefined();
    let consoleWs = await s.ws({ role: "console", sessionId: id, token: owner });
    let listener = await s.listen(id, join.listenerToken, "en");
    consoleWs.send({ action: "status", status: "live", muted: false });
    // Applied before the talk starts: a restart must not be what drops the go-live (a cold container takes ~0.5 s).
    await consoleWs.next("session-status", 30_000, (m) => m.status === "live");
    for (let seq = 0; seq < 5; seq++) consoleWs.send(segment(seq));
    await listener.next("caption", 30_000, (m) => m.segmentSeq === 4);
    const seenBefore = captionSeqs(listener, "en");
    expect(seenBefore).toEqual([0, 1, 2, 3, 4]);
    // Mid-sentence: two more segments go out, and the server goes down with them in flight.
    consoleWs.send(segment(5));
    consoleWs.send(segment(6));
    await s.restart();
    await consoleWs.close();
    await listener.close();

    // The session and the listener's slot survived.
    const after = await s.api("GET", `/sessions/${id}`, undefined, owner);
    expect(after.json).toMatchObject({ id, status: "live" });
    const rejoin = JoinResponse.parse(
      (
        await s.api("POST", `/sessions/${id}/listeners`, {
          language: "en",
          listenerId: join.listenerId,
          listenerToken: join.listenerToken,
        })
      ).json,
    );
    expect(rejoin.listenerId).toBe(join.listenerId);
    expect(rejoin.audio.mode === "webrtc" ? rejoin.audio.signaling.channelArn : undefined).toBe(slot);

    // The listener reconnects and asks for what it missed; the console resends everything not confirmed.
    listener = await s.listen(id, rejoin.listenerToken, "en");
    listener.send({ action: "hello", lastSeq: 4 });
    await listener.next("session-status");
    await new Promise((r) => setTimeout(r, 300)); // the missed captions follow the status
    consoleWs = await s.ws({ role: "console", sessionId: id, token: owner });
    for (let seq = 3; seq < 9; seq++) consoleWs.send(segment(seq));
    await listener.next("caption", 30_000, (m) => m.segmentSeq === 8);
    await new Promise((r) => setTimeout(r, 500)); // any duplicate would have arrived by now
    // Exactly once each; the page orders captions by their seq, so arrival order may differ.
    expect(captionSeqs(listener, "en").sort((a, b) => a - b)).toEqual([5, 6, 7, 8]);

    const transcript = await fetch(`${s.running.context.config.apiUrl}/sessions/${id}/transcript`).then((r) =>
      r.text(),
    );
    const lines = transcript.split("\n").filter((l) => /Sentence number/.test(l));
    expect(lines.map((l) => Number(/number (\d+)/.exec(l)?.[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await consoleWs.close();
    await listener.close();
  }, 120_000);
});

describe("dropped sockets", () => {
  let s: Server;
  beforeAll(async () => {
    s = await start({ sessions: { countsDebounceMs: 0 } });
  }, 60_000);

  it("a dropped control socket reconnects to the same session state; the listener count follows", async () => {
    const owner = s.running.context.ownerToken;
    const id = (await s.api("POST", "/sessions", { title: "Drops", sourceLanguage: "en" }, owner)).json.id as string;
    const join = JoinResponse.parse((await s.api("POST", `/sessions/${id}/listeners`, { language: "en" })).json);
    const consoleWs = await s.ws({ role: "console", sessionId: id, token: owner });
    let listener = await s.listen(id, join.listenerToken, "en");
    await consoleWs.next("listener-counts", 10_000, (m) => m.total === 1);
    // No close frame on either socket: the phone went out of range.
    listener.ws.terminate();
    listener.feed.ws.terminate();
    await consoleWs.next("listener-counts", 10_000, (m) => m.total === 0);
    listener = await s.listen(id, join.listenerToken, "en");
    await consoleWs.next(
      "listener-counts",
      10_000,
      (m) => m.total === 1 && consoleWs.messages.filter((x) => x.type === "listener-counts").length >= 3,
    );
    consoleWs.send(segment(0));
    expect((await listener.next("caption")).segmentSeq).toBe(0);

    consoleWs.ws.terminate();
    const again = await s.ws({ role: "console", sessionId: id, token: owner });
    again.send({ action: "hello" });
    expect(await again.next("session-status")).toMatchObject({ status: "created" });
    again.send(segment(1));
    expect((await listener.next("caption", 5000, (m) => m.segmentSeq === 1)).segmentSeq).toBe(1);
    await again.close();
    await listener.close();
  }, 60_000);

  it("dropped signaling sockets reconnect with fresh grants: master from /channels, viewer from refresh, same channel", async () => {
    const owner = s.running.context.ownerToken;
    const id = (await s.api("POST", "/sessions", { title: "Signaling", sourceLanguage: "en" }, owner)).json
      .id as string;
    const join = JoinResponse.parse((await s.api("POST", `/sessions/${id}/listeners`, { language: "en" })).json);
    if (join.audio.mode !== "webrtc") throw new Error("no audio slot");
    const masterGrant = async () =>
      ChannelsResponse.parse((await s.api("GET", `/sessions/${id}/channels`, undefined, owner)).json).channels[0];

    let master = (await rawConnect((await masterGrant())?.signedUrl ?? "")).ws as WebSocket;
    let viewer = (await rawConnect(join.audio.signaling.signedUrl)).ws as WebSocket;
    expect(master).toBeDefined();
    expect(viewer).toBeDefined();
    master.terminate();
    viewer.terminate();
    await new Promise((r) => setTimeout(r, 1100)); // KVS admits 3 connects per second per channel

    master = (await rawConnect((await masterGrant())?.signedUrl ?? "")).ws as WebSocket;
    const refreshed = RefreshResponse.parse(
      (
        await s.api("POST", `/sessions/${id}/listeners/${join.listenerId}/refresh`, {
          listenerToken: join.listenerToken,
        })
      ).json,
    );
    if (refreshed.audio.mode !== "webrtc") throw new Error("the slot was lost");
    expect(refreshed.audio.signaling.channelArn).toBe(join.audio.signaling.channelArn);
    viewer = (await rawConnect(refreshed.audio.signaling.signedUrl)).ws as WebSocket;
    const offer = nextMessage(master);
    viewer.send(JSON.stringify({ action: "SDP_OFFER", messagePayload: b64({ type: "offer", sdp: "v=0" }) }));
    expect(await offer).toMatchObject({ messageType: "SDP_OFFER", senderClientId: join.listenerId });
    master.close();
    viewer.close();
  }, 60_000);
});

describe("engines throttling, failing and slow", () => {
  // One server for all: the tests flip the engines' fault switches live, each on a fresh session.
  let s: Server;
  let translate: TranslateService;
  beforeAll(async () => {
    const services: EmbeddedServiceFactory[] = EMBEDDED_SERVICES.map((factory) => {
      if (factory === createTranslateService)
        return async (ctx) => {
          translate = await createTranslateService(ctx);
          return translate;
        };
      return factory;
    });
    s = await start({ sessions: { countsDebounceMs: 0 }, translate: { warmLanguages: ["es"] } }, services);
  }, 60_000);
  beforeEach(() => {
    const none = { throttleRate: 0, errorRate: 0, delayMs: 0, dropRate: 0, seed: undefined };
    translate.faults.set(none);
  });

  /**
   * A session translating en → es with one Spanish listener, `segments` sent; what the listener
   * and console get. `faults` switch on once the session is set up: the engine fails during the
   * talk (creating a session reads the engines' language lists, which an outage also fails).
   */
  async function talk(segments: number, faults: Parameters<TranslateService["faults"]["set"]>[0] = {}) {
    const owner = s.running.context.ownerToken;
    const id = (
      await s.api("POST", "/sessions", { title: "Engines", sourceLanguage: "en", targetLanguages: ["es"] }, owner)
    ).json.id as string;
    const join = JoinResponse.parse((await s.api("POST", `/sessions/${id}/listeners`, { language: "es" })).json);
    const consoleWs = await s.ws({ role: "console", sessionId: id, token: owner });
    const listener = await s.listen(id, join.listenerToken, "es");
    await consoleWs.next("listener-counts", 10_000, (m) => m.total === 1);
    translate.faults.set(faults);
    for (let seq = 0; seq < segments; seq++) consoleWs.send(segment(seq));
    return { consoleWs, listener };
  }

  it("throttling: with Translate throttling half the requests (seeded), every segment is captioned once, in order, or reported to the console, never lost silently", async () => {
    const { listener, consoleWs } = await talk(6, { throttleRate: 0.5, seed: 16 });
    const settled = (seq: number) =>
      captionSeqs(listener, "es").includes(seq) ||
      consoleWs.messages.some(
        (m) => m.type === "segment-progress" && m.segmentSeq === seq && m.language === "es" && m.error,
      );
    const deadline = Date.now() + 60_000;
    while (![0, 1, 2, 3, 4, 5].every(settled) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect([0, 1, 2, 3, 4, 5].filter((seq) => !settled(seq))).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    const seqs = captionSeqs(listener, "es");
    // The throttling happened (seeded, so the same requests are refused on every run).
    expect(translate.faults.injected.throttle).toBeGreaterThan(0);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Released in the order spoken, retries or not.
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Retries get most through: losing more than half to a 50% throttle would mean they do not work.
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    await consoleWs.close();
    await listener.close();
  }, 120_000);

  it("a burst of segments (a console resending after a reconnect) is captioned in segment order in every language", async () => {
    const { listener, consoleWs } = await talk(8);
    await listener.next("caption", 60_000, (m) => m.segmentSeq === 7);
    await new Promise((r) => setTimeout(r, 300));
    // The page shows captions in seq order: that order must be the order the presenter spoke in.
    const bySeq = listener.messages
      .filter((m): m is CaptionMessage => m.type === "caption" && m.language === "es")
      .sort((a, b) => a.seq - b.seq)
      .map((m) => m.segmentSeq);
    expect(bySeq).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await consoleWs.close();
    await listener.close();
  }, 120_000);

  it("failing: when Translate keeps failing the console hears why, and later segments are not held", async () => {
    const { listener, consoleWs } = await talk(2, { errorRate: 1 });
    const progress = await consoleWs.next(
      "segment-progress",
      60_000,
      (m) => m.language === "es" && m.error !== undefined,
    );
    expect(progress.error).toBeTruthy();
    await consoleWs.next(
      "segment-progress",
      60_000,
      (m) => m.language === "es" && m.segmentSeq === 1 && m.error !== undefined,
    );
    // Nothing wrong goes out to Spanish listeners.
    expect(captionSeqs(listener, "es")).toEqual([]);
    await consoleWs.close();
    await listener.close();
  }, 120_000);

  it("slow: a slow Translate delays captions but keeps their order", async () => {
    const { listener, consoleWs } = await talk(3, { delayMs: 400 });
    await listener.next("caption", 60_000, (m) => m.segmentSeq === 2);
    expect(captionSeqs(listener, "es")).toEqual([0, 1, 2]);
    await consoleWs.close();
    await listener.close();
  }, 120_000);
});
