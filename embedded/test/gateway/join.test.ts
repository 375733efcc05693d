import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeSignalingChannelCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { createListenerToken } from "@babelcast/backend/services/listenerTokens.js";
import { JoinResponse, RefreshResponse } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { LISTENER_SECRET_FILE } from "../../src/gateway/embeddedRuntime.js";
import { type Harness, openSocket, startHarness, wsUrl } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { viewersPerChannel: 2, joinsPerIpPerMinute: 1000 } });
});
afterAll(async () => {
  await h?.stop();
});

async function createSession(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.api(
    "POST",
    "/sessions",
    { title: "Talk", sourceLanguage: "en", targetLanguages: ["es"], ...extra },
    h.ownerToken,
  );
  expect(res.status, res.text).toBe(201);
  return res.json.id;
}

async function joinAs(id: string, body: Record<string, unknown> = { language: "en" }) {
  const res = await h.api("POST", `/sessions/${id}/listeners`, body);
  expect(res.status, res.text).toBe(200);
  return JoinResponse.parse(res.json);
}

function channelOf(j: JoinResponse): string | undefined {
  return j.audio.mode === "webrtc" ? j.audio.signaling.channelArn : undefined;
}

/** Opens a signaling WebSocket and reports whether the emulator accepted it. */
function signalingOpens(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once("open", () => {
      ws.close();
      resolve(true);
    });
    ws.once("unexpected-response", () => resolve(false));
    ws.once("error", () => resolve(false));
  });
}

describe("POST /sessions/{id}/listeners", () => {
  it("returns a listener id, a short-lived viewer grant, ICE servers and the WebSocket URL and token", async () => {
    const id = await createSession();
    const before = Date.now();
    const j = await joinAs(id);
    const after = Date.now();
    expect(j.listenerId).toMatch(/^[A-Za-z0-9_.-]{8,64}$/);
    expect(j.webSocketUrl).toBe(h.server.context.config.webSocketUrl);
    expect(j.session.id).toBe(id);
    expect(j.audio.mode).toBe("webrtc");
    if (j.audio.mode !== "webrtc") return;
    const g = j.audio.signaling;
    expect(g.role).toBe("VIEWER");
    expect(g.clientId).toBe(j.listenerId);
    // Signed during the join, valid for at most 300 s from then (SigV4 dates are whole seconds).
    expect(g.expiresAt).toBeGreaterThanOrEqual(before - 1000);
    expect(g.expiresAt).toBeLessThanOrEqual(after + 300_000);
    expect(new URL(g.signedUrl).searchParams.get("X-Amz-ClientId")).toBe(j.listenerId);
    expect(Number(new URL(g.signedUrl).searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(300);
    expect(Array.isArray(g.iceServers)).toBe(true);
    expect(await signalingOpens(g.signedUrl)).toBe(true);
  });

  it("never yields a master URL: the viewer grant does not connect as master", async () => {
    const id = await createSession();
    const j = await joinAs(id);
    if (j.audio.mode !== "webrtc") throw new Error("expected audio");
    const asMaster = j.audio.signaling.signedUrl.replace("/viewer", "/master");
    expect(asMaster).not.toBe(j.audio.signaling.signedUrl);
    expect(await signalingOpens(asMaster)).toBe(false);
  });

  it("grows the pool when channels are full, tells the console, and goes captions-only past capacity", async () => {
    const id = await createSession({ audioCapacity: 5 });
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const joins = [];
    for (let i = 0; i < 6; i++) joins.push(await joinAs(id));
    const channels = joins.map(channelOf);
    expect(channels[0]).toBe(channels[1]);
    expect(channels[2]).not.toBe(channels[0]);
    expect(channels[3]).toBe(channels[2]);
    expect(channels[4]).not.toBe(channels[2]);
    expect(new Set(channels.slice(0, 5)).size).toBe(3);
    const last = joins[5];
    expect(last?.audio.mode).toBe("captions-only");
    expect(last?.audio.mode === "captions-only" && last.audio.reason).toMatch(/Audio is full.*5 listeners/);

    const added = await consoleWs.next("channel-added", 5000, (m) => m.signaling.channelArn === channels[2]);
    expect(added.signaling.role).toBe("MASTER");
    expect(added.signaling.clientId).toBeUndefined();
    expect(await signalingOpens(added.signaling.signedUrl)).toBe(true);
    const view = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(view.json.channels).toHaveLength(3);
    await consoleWs.close();
  });

  it("never puts more viewers on a channel than it admits, even when joins race", async () => {
    const id = await createSession();
    const joins = await Promise.all(Array.from({ length: 7 }, () => joinAs(id)));
    const perChannel = new Map<string, number>();
    for (const j of joins) {
      const arn = channelOf(j) ?? "none";
      perChannel.set(arn, (perChannel.get(arn) ?? 0) + 1);
    }
    expect([...perChannel.values()].every((n) => n <= 2)).toBe(true);
    expect(perChannel.size).toBe(4);
    const view = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(view.json.channels).toHaveLength(4);
  });

  it("gives a rejoining listener its old slot back, even on a full channel", async () => {
    const id = await createSession();
    const a = await joinAs(id);
    const b = await joinAs(id);
    expect(channelOf(a)).toBe(channelOf(b));
    const again = await joinAs(id, { language: "es", listenerId: a.listenerId, listenerToken: a.listenerToken });
    expect(again.listenerId).toBe(a.listenerId);
    expect(channelOf(again)).toBe(channelOf(a));
    expect(again.language).toBe("es");
    const view = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(view.json.channels).toHaveLength(1);
  });

  it.each([
    ["an unknown session", "quiet-comet-000", { language: "en" }, 404, /no session/],
    ["a missing language", undefined, {}, 400, /language/],
    ["a mistyped language", undefined, { language: 7 }, 400, /language/],
    ["a language the session does not offer", undefined, { language: "de" }, 400, /choose one of en, es/],
    ["a listener id without its token", undefined, { language: "en", listenerId: "l-abcdefghijk" }, 400, /both/],
    [
      "a forged listener token",
      undefined,
      { language: "en", listenerId: "l-abcdefghijk", listenerToken: "v1.e30.x" },
      401,
      /not valid/,
    ],
  ])("answers 4xx for %s and admits nobody", async (_name, sessionId, body, status, message) => {
    const id = sessionId ?? (await createSession());
    const res = await h.api("POST", `/sessions/${id}/listeners`, body);
    expect(res.status).toBe(status);
    expect(res.json.error.message).toMatch(message);
    if (!sessionId) {
      const view = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
      expect(view.json.channels[0].viewers).toBe(0);
      const next = await joinAs(id);
      expect(channelOf(next)).toBe(view.json.channels[0].channelArn);
    }
  });

  it("checks the passcode", async () => {
    const id = await createSession({ passcode: "open-sesame" });
    const none = await h.api("POST", `/sessions/${id}/listeners`, { language: "en" });
    expect(none.status).toBe(403);
    expect(none.json.error.message).toMatch(/needs a passcode/);
    const wrong = await h.api("POST", `/sessions/${id}/listeners`, { language: "en", passcode: "guess" });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.message).toMatch(/wrong/);
    await joinAs(id, { language: "en", passcode: "open-sesame" });
  });
});

describe("POST /sessions/{id}/listeners/{listenerId}/refresh", () => {
  it("hands out a fresh viewer URL for the same channel and a new token", async () => {
    const id = await createSession();
    const j = await joinAs(id);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await h.api("POST", `/sessions/${id}/listeners/${j.listenerId}/refresh`, {
      listenerToken: j.listenerToken,
    });
    expect(res.status, res.text).toBe(200);
    const r = RefreshResponse.parse(res.json);
    expect(r.audio.mode).toBe("webrtc");
    if (r.audio.mode !== "webrtc" || j.audio.mode !== "webrtc") return;
    expect(r.audio.signaling.channelArn).toBe(j.audio.signaling.channelArn);
    expect(r.audio.signaling.signedUrl).not.toBe(j.audio.signaling.signedUrl);
    expect(r.listenerToken).not.toBe(j.listenerToken);
  });

  it("refuses an expired token, another listener's token and a missing token", async () => {
    const id = await createSession();
    const a = await joinAs(id);
    const b = await joinAs(id);
    const secret = readFileSync(join(h.dataDir, LISTENER_SECRET_FILE), "utf8").trim();
    const expired = createListenerToken({ s: id, l: a.listenerId, exp: Date.now() - 1000 }, secret);
    const path = `/sessions/${id}/listeners/${a.listenerId}/refresh`;
    const r1 = await h.api("POST", path, { listenerToken: expired });
    expect(r1.status).toBe(401);
    expect(r1.json.error.message).toMatch(/expired/);
    const r2 = await h.api("POST", path, { listenerToken: b.listenerToken });
    expect(r2.status).toBe(401);
    expect(r2.json.error.message).toMatch(/another listener/);
    const r3 = await h.api("POST", path, {});
    expect(r3.status).toBe(400);
  });
});

describe("ending a session", () => {
  it("deletes its KVS channels", async () => {
    const id = await createSession();
    const view = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    const arn = view.json.channels[0].channelArn;
    const kvs = new KinesisVideoClient({
      region: h.server.context.region,
      endpoint: h.server.context.config.endpoints?.kinesisvideo,
      credentials: h.server.context.credentials,
    });
    await kvs.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }));
    await h.api("DELETE", `/sessions/${id}`, undefined, h.ownerToken);
    await expect(kvs.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    kvs.destroy();
  });
});

describe("rate limits", () => {
  it("limit joins per address per minute with a message saying when to retry", async () => {
    const limited = await startHarness({ sessions: { joinsPerIpPerMinute: 2 } });
    try {
      const created = await limited.api("POST", "/sessions", { title: "T", sourceLanguage: "en" }, limited.ownerToken);
      const id = created.json.id;
      for (let i = 0; i < 2; i++) {
        expect((await limited.api("POST", `/sessions/${id}/listeners`, { language: "en" })).status).toBe(200);
      }
      const third = await limited.api("POST", `/sessions/${id}/listeners`, { language: "en" });
      expect(third.status).toBe(429);
      expect(third.json.error.message).toMatch(/too many joins.*wait \d+ s/);
    } finally {
      await limited.stop();
    }
  });

  it("limit sessions per owner per hour", async () => {
    const limited = await startHarness({ sessions: { sessionsPerOwnerPerHour: 1 } });
    try {
      const body = { title: "T", sourceLanguage: "en" };
      expect((await limited.api("POST", "/sessions", body, limited.ownerToken)).status).toBe(201);
      const second = await limited.api("POST", "/sessions", body, limited.ownerToken);
      expect(second.status).toBe(429);
      expect(second.json.error.message).toMatch(/too many sessions/);
      expect((await limited.api("GET", "/sessions", undefined, limited.ownerToken)).json.sessions).toHaveLength(1);
    } finally {
      await limited.stop();
    }
  });
});
