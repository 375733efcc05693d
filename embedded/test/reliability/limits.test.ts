import { connect, type Socket } from "node:net";
import { JoinResponse } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type Harness, openSocket, startHarness, wsUrl } from "../gateway/harness.js";
import { notAClearRefusal, parseRawReply, sendRaw } from "../security/wire.js";

/**
 * Limits: oversized bodies and frames, rate limits, idle and slow clients. Slow clients
 * must be cut off by the server's timeouts (short ones here, set through the `http`
 * settings section), memory must stay bounded while they try, and other users must be
 * served meanwhile. The per-rule rate-limit tests live with the sessions backend
 * (backend/test/gateway/join.test.ts); here they are checked under a burst.
 */

const TIMEOUTS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 };
let h: Harness;
let port: number;
let sessionId: string;

beforeAll(async () => {
  h = await startHarness({
    http: TIMEOUTS,
    sessions: { joinsPerIpPerMinute: 40, sessionsPerOwnerPerHour: 4, countsDebounceMs: 0 },
  });
  port = Number(new URL(h.server.url).port);
  sessionId = (await h.api("POST", "/sessions", { title: "Limits", sourceLanguage: "en" }, h.ownerToken)).json.id;
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

/** Opens a TCP connection and resolves once it is connected; `closedAt` is set when the server closes it. */
function rawSocket(): Promise<Socket & { closedAt?: number; received: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1") as Socket & { closedAt?: number; received: string };
    socket.received = "";
    socket.on("data", (d) => {
      socket.received += d.toString("latin1");
    });
    socket.on("close", () => {
      socket.closedAt = Date.now();
    });
    socket.on("error", () => undefined);
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Latencies (ms) of requests a well-behaved user makes while `during` runs. */
async function servedMeanwhile(during: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void during.finally(() => {
    done = true;
  });
  while (!done) {
    const t = Date.now();
    const res = await fetch(`${h.server.url}/api/sessions/${sessionId}`);
    expect(res.status).toBe(200);
    await res.text();
    latencies.push(Date.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
  await during;
  return latencies;
}

const MB = 1024 * 1024;

describe("oversized input", () => {
  it("a body past the limit gets 413 at once, whether declared or streamed, and creates nothing", async () => {
    const declared = parseRawReply(
      await sendRaw(
        port,
        `POST /api/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.ownerToken}\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\nConnection: close\r\n\r\n{`,
        5000,
      ),
    );
    expect(declared.status).toBe(413);
    expect(notAClearRefusal(declared.status, "application/json", declared.body)).toBeUndefined();
    const streamed = await h.api(
      "POST",
      "/sessions",
      `{"title":"${"x".repeat(2 * MB)}","sourceLanguage":"en"}`,
      h.ownerToken,
    );
    expect(streamed.status).toBe(413);
    expect(streamed.json.error.code).toBe("PayloadTooLarge");
    const list = await h.api("GET", "/sessions", undefined, h.ownerToken);
    expect(list.json.sessions).toHaveLength(1);
  });

  it("headers past Node's limit get 431 in the error shape", async () => {
    const reply = parseRawReply(
      await sendRaw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`),
    );
    expect(reply.status).toBe(431);
    expect(JSON.parse(reply.body).error.message).toMatch(/headers/);
  });

  it("a WebSocket message past 32 KB in small frames gets MessageTooLarge; a frame past 32 KB closes the socket with 1009", async () => {
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId, token: h.ownerToken }));
    const message = Buffer.from(JSON.stringify({ action: "partial", text: "x".repeat(40_000) }));
    consoleWs.ws.send(message.subarray(0, 20_000), { binary: false, fin: false });
    consoleWs.ws.send(message.subarray(20_000), { binary: false, fin: true });
    expect(await consoleWs.next("error")).toMatchObject({ code: "MessageTooLarge" });
    const closed = new Promise<number>((resolve) => consoleWs.ws.once("close", (code) => resolve(code)));
    consoleWs.ws.send("x".repeat(40_000));
    // 1009 is the standard close code for "message too big"; `ws` sends it without a reason text.
    expect(await closed).toBe(1009);
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
  });
});

describe("rate limits under a burst", () => {
  it("joins past the per-address limit get 429 with when to retry; joins before it are all served", async () => {
    // The limit counts per clock minute (a fixed window): a burst that straddles a minute
    // boundary is counted in two windows. Start it where the window has time left.
    const leftInMinute = 60_000 - (Date.now() % 60_000);
    if (leftInMinute < 20_000) await new Promise((r) => setTimeout(r, leftInMinute + 100));
    const replies = await Promise.all(
      Array.from({ length: 60 }, () => h.api("POST", `/sessions/${sessionId}/listeners`, { language: "en" })),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const limited = replies.find((r) => r.status === 429);
    expect(limited?.json.error.message).toMatch(/wait \d+ s/);
    for (const r of replies.filter((x) => x.status === 200)) JoinResponse.parse(r.json);
  }, 90_000);

  it("sessions past the per-owner limit get 429, and the owner's live session keeps working", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await h.api("POST", "/sessions", { title: `S${i}`, sourceLanguage: "en" }, h.ownerToken)).status);
    // One session was created in beforeAll: 3 more fit in the hour.
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
    expect((await h.api("GET", `/sessions/${sessionId}`, undefined, h.ownerToken)).status).toBe(200);
  });
});

describe("idle and slow clients", () => {
  it("200 idle connections are closed after the headers timeout, and others are served meanwhile", async () => {
    const before = process.memoryUsage();
    const sockets = await Promise.all(Array.from({ length: 200 }, () => rawSocket()));
    const opened = Date.now();
    const allClosed = (async () => {
      while (sockets.some((s) => s.closedAt === undefined) && Date.now() - opened < 15_000)
        await new Promise((r) => setTimeout(r, 100));
    })();
    const latencies = await servedMeanwhile(allClosed);
    expect(sockets.filter((s) => s.closedAt === undefined)).toHaveLength(0);
    // headersTimeout plus Node's check interval, with room for a loaded machine.
    expect(Math.max(...sockets.map((s) => (s.closedAt ?? 0) - opened))).toBeLessThan(TIMEOUTS.headersTimeoutMs + 6000);
    expect(Math.max(...latencies)).toBeLessThan(3000);
    expect(process.memoryUsage().rss - before.rss).toBeLessThan(200 * MB);
  }, 60_000);

  it("slowloris: clients dribbling header bytes are cut off with 408, and others are served meanwhile", async () => {
    const sockets = await Promise.all(Array.from({ length: 100 }, () => rawSocket()));
    const started = Date.now();
    for (const s of sockets) s.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const dribble = setInterval(() => {
      for (const s of sockets) if (s.closedAt === undefined) s.write("X-Slow: a\r\n");
    }, 200);
    const allClosed = (async () => {
      while (sockets.some((s) => s.closedAt === undefined) && Date.now() - started < 15_000)
        await new Promise((r) => setTimeout(r, 100));
    })();
    const latencies = await servedMeanwhile(allClosed);
    clearInterval(dribble);
    expect(sockets.filter((s) => s.closedAt === undefined)).toHaveLength(0);
    expect(Math.max(...sockets.map((s) => (s.closedAt ?? 0) - started))).toBeLessThan(TIMEOUTS.headersTimeoutMs + 6000);
    expect(sockets.filter((s) => /^HTTP\/1\.1 408/.test(s.received)).length).toBeGreaterThan(90);
    expect(Math.max(...latencies)).toBeLessThan(3000);
  }, 60_000);

  it("slow bodies: clients dribbling a request body are cut off after the request timeout", async () => {
    const sockets = await Promise.all(Array.from({ length: 50 }, () => rawSocket()));
    const started = Date.now();
    for (const s of sockets)
      s.write(
        `POST /api/sessions/${sessionId}/listeners HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
      );
    const dribble = setInterval(() => {
      for (const s of sockets) if (s.closedAt === undefined) s.write(" ");
    }, 200);
    const allClosed = (async () => {
      while (sockets.some((s) => s.closedAt === undefined) && Date.now() - started < 20_000)
        await new Promise((r) => setTimeout(r, 100));
    })();
    const latencies = await servedMeanwhile(allClosed);
    clearInterval(dribble);
    expect(sockets.filter((s) => s.closedAt === undefined)).toHaveLength(0);
    expect(Math.max(...sockets.map((s) => (s.closedAt ?? 0) - started))).toBeLessThan(TIMEOUTS.requestTimeoutMs + 6000);
    expect(Math.max(...latencies)).toBeLessThan(3000);
  }, 60_000);

  it("WebSocket clients dribbling a frame hold at most the frame limit each, and others are served meanwhile", async () => {
    const before = process.memoryUsage();
    const url = wsUrl(h, { role: "console", sessionId, token: h.ownerToken });
    const sockets = await Promise.all(
      Array.from(
        { length: 50 },
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(url);
            ws.once("open", () => resolve(ws));
            ws.once("error", reject);
          }),
      ),
    );
    // A masked text frame header announcing 30,000 bytes (under the 32 KB frame limit), then the payload a few bytes at a time.
    const frameHeader = Buffer.from([0x81, 0x80 | 126, 0x75, 0x30, 1, 2, 3, 4]);
    const raw = sockets.map((ws) => (ws as unknown as { _socket: Socket })._socket);
    for (const s of raw) s.write(frameHeader);
    let rounds = 0;
    const dribbling = (async () => {
      while (rounds++ < 30) {
        for (const s of raw) if (!s.destroyed) s.write(Buffer.alloc(64, 0x20));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const latencies = await servedMeanwhile(dribbling);
    expect(Math.max(...latencies)).toBeLessThan(3000);
    expect(process.memoryUsage().rss - before.rss).toBeLessThan(200 * MB);
    // A frame that announces more than the limit is refused at its header, before any payload.
    const big = sockets[0] as WebSocket;
    const closed = new Promise<number>((resolve) => big.once("close", (code) => resolve(code)));
    const fresh = await openSocket(url);
    const tooBig = Buffer.from([0x82, 0x80 | 127, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 2, 3, 4]);
    const freshClosed = new Promise<number>((resolve) => fresh.ws.once("close", (code) => resolve(code)));
    (fresh.ws as unknown as { _socket: Socket })._socket.write(tooBig);
    expect(await freshClosed).toBe(1009);
    for (const ws of sockets) ws.terminate();
    await closed;
  }, 60_000);
});

describe("passcode guessing", () => {
  let g: Harness;
  beforeAll(async () => {
    g = await startHarness({ sessions: { joinsPerIpPerMinute: 10, countsDebounceMs: 0 } });
  }, 120_000);
  afterAll(async () => {
    await g?.stop();
  });

  it("wrong passcodes count against the join limit, and checking them does not stall other users", async () => {
    const id = (
      await g.api("POST", "/sessions", { title: "Locked", sourceLanguage: "en", passcode: "2468" }, g.ownerToken)
    ).json.id as string;
    let attacking = true;
    const latencies: number[] = [];
    const meanwhile = (async () => {
      while (attacking) {
        const t = Date.now();
        await (await fetch(`${g.server.url}/healthz`)).text();
        latencies.push(Date.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        g.api("POST", `/sessions/${id}/listeners`, { language: "en", passcode: String(1000 + i) }),
      ),
    );
    attacking = false;
    await meanwhile;
    const statuses = guesses.map((r) => r.status);
    // Past the limit a guesser learns nothing more: 429 before the passcode is even checked.
    // (A burst may straddle two fixed one-minute windows: at most twice the limit gets through.)
    expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    // Passcode hashing (scrypt) must not block the event loop: a phone polling meanwhile is answered promptly.
    expect(Math.max(...latencies)).toBeLessThan(1000);
  }, 60_000);
});
