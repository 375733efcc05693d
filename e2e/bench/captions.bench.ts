import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CaptionMessage,
  ConfigDocument,
  captionChannel,
  type EventApiEndpoints,
  JoinResponse,
} from "@babelcast/protocol";
import { EventSubscriber } from "@babelcast/protocol/eventSubscriber";
import WebSocket from "ws";
import { serveEmbedded } from "../support/embeddedServer.js";
import { percentile } from "./report/percentile.js";
import { startConditions, withConditions } from "./report/runConditions.js";

/**
 * max_caption_clients: how many caption subscribers the embedded caption Event API sustains
 * with p99 delivery at most 200 ms. Subscribers are lightweight clients (the listener page's own
 * `EventSubscriber`, over `ws`, in this process: no browser pages, so the load generator does
 * not eat the machine), each on its own connection to the session's English channel. The
 * server runs in its own process, as `npm run serve` does. Delivery = caption arrival minus the
 * moment the console sent the segment (same machine clock), through the whole path: segment →
 * WebSocket function → one publish → every subscriber. Steps the count up to 5,000 and says
 * why it stopped. Subscribers share a few listener tokens (each connect and subscribe is still
 * authorized by the Lambda authorizer); one listener with a WebSocket is what makes the session
 * publish in English, as a page's presence does.
 */

const STEPS = [100, 250, 500, 1000, 1500, 2000, 3000, 4000, 5000];
const P99_LIMIT_MS = 200;
const CAPTIONS_PER_STEP = 8;
const CAPTION_INTERVAL_MS = 400;
// Inside run.ts's 6 minutes per bench, with room to start the server and close 5,000 connections.
const BUDGET_MS = 270_000;
const CONNECT_CONCURRENCY = 32;
const TOKENS = 20;

const log = (m: string) => process.stderr.write(`[captions] ${m}\n`);

// Node 20 has no WebSocket global; ws's class has the browser's API, which the subscriber uses.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

interface Client {
  subscriber: EventSubscriber;
  received: Map<number, number>;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_q, res) => reject(new Error(`upgrade refused ${res.statusCode}`)));
  });
}

/** A subscriber to `channel`; resolves once the service accepted the subscription. */
function subscribe(events: EventApiEndpoints, token: string, channel: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const received = new Map<number, number>();
    const client: Client = {
      received,
      subscriber: new EventSubscriber({
        ...events,
        token,
        channel,
        onEvent: (event) => {
          const m = event as CaptionMessage;
          if (m.type === "caption" && m.spokenEndAt !== undefined) received.set(m.seq, Date.now() - m.spokenEndAt);
        },
        onSubscribed: () => resolve(client),
        onClose: (refused, message) => reject(new Error(`subscription ${refused ? "refused" : "closed"}: ${message}`)),
      }),
    };
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "babelcast-bench-captions-"));
  // Limits fit for one machine playing a whole audience from one address.
  writeFileSync(
    join(dataDir, "embedded.json"),
    JSON.stringify({ sessions: { joinsPerIpPerMinute: 1_000_000, countsDebounceMs: 1000 } }),
  );
  const served = await serveEmbedded({ dataDir });
  const started = Date.now();
  const stepsWindow = startConditions();
  const clients: Client[] = [];
  const sockets: WebSocket[] = [];
  const p99Series: [number, number][] = [];
  const p50Series: [number, number][] = [];
  let best: { value: number; p50_ms: number; p99_ms: number } = { value: 0, p50_ms: 0, p99_ms: 0 };
  let stopReason = `reached the top step (${STEPS.at(-1)} subscribers)`;
  try {
    const config = ConfigDocument.parse(await (await fetch(`${served.ready.url}/config.json`)).json());
    const ownerToken = readFileSync(join(served.dataDir, "owner-token"), "utf8").trim();
    const api = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await fetch(`${config.apiUrl}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    // Captions only: this measures the caption fan-out, not the audio channel pool.
    const session = await api(
      "POST",
      "/sessions",
      { title: "Bench", sourceLanguage: "en", audioCapacity: 0 },
      ownerToken,
    );
    const channel = captionChannel(session.id, "en");
    const consoleWs = await open(
      `${config.webSocketUrl}?${new URLSearchParams({ role: "console", sessionId: session.id, token: ownerToken })}`,
    );
    consoleWs.on("message", () => undefined);
    sockets.push(consoleWs);
    const tokens: string[] = [];
    for (let i = 0; i < TOKENS; i++) {
      tokens.push(
        JoinResponse.parse(await api("POST", `/sessions/${session.id}/listeners`, { language: "en" })).listenerToken,
      );
    }
    // The one page-like listener: its WebSocket makes English a listened language.
    const presence = await open(
      `${config.webSocketUrl}?${new URLSearchParams({ role: "listener", sessionId: session.id, token: tokens[0] ?? "" })}`,
    );
    presence.on("message", () => undefined);
    sockets.push(presence);

    const addClients = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONNECT_CONCURRENCY }, async () => {
          while (next < count) {
            const token = tokens[next++ % tokens.length] ?? "";
            clients.push(await subscribe(config.events, token, channel));
          }
        }),
      );
    };

    const sendSegment = (seq: number) => {
      const now = Date.now();
      consoleWs.send(
        JSON.stringify({
          action: "segment",
          seq,
          text: `Caption number ${seq} for the benchmark audience.`,
          startTime: seq,
          endTime: seq + 0.5,
          stages: { spokenEndAt: now, committedAt: now, sentAt: now },
        }),
      );
    };
    // Warm-up (not measured): first requests pay for connection set-up and JIT compilation.
    let seq = 0;
    await addClients(1);
    for (; seq < 5; seq++) {
      sendSegment(seq);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const target of STEPS) {
      if (Date.now() - started > BUDGET_MS) {
        stopReason = `time budget (${BUDGET_MS / 1000} s) spent before ${target} subscribers`;
        break;
      }
      try {
        await addClients(target - clients.length);
      } catch (err) {
        stopReason = `subscribing the ${target}th client failed: ${String(err)}`;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
      const firstSeq = seq;
      for (let i = 0; i < CAPTIONS_PER_STEP; i++) {
        sendSegment(seq);
        seq += 1;
        await new Promise((r) => setTimeout(r, CAPTION_INTERVAL_MS));
      }
      await new Promise((r) => setTimeout(r, 2000));
      const samples: number[] = [];
      let missing = 0;
      for (const c of clients) {
        for (let s = firstSeq; s < seq; s++) {
          const ms = c.received.get(s);
          if (ms === undefined) missing += 1;
          else samples.push(ms);
        }
      }
      const p50 = percentile(samples, 50);
      const p99 = percentile(samples, 99);
      log(
        `${clients.length} subscribers: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${missing} captions missing`,
      );
      p50Series.push([clients.length, Math.round(p50 * 10) / 10]);
      p99Series.push([clients.length, Math.round(p99 * 10) / 10]);
      if (missing > 0) {
        stopReason = `${missing} captions missing at ${clients.length} subscribers`;
        break;
      }
      if (p99 > P99_LIMIT_MS) {
        stopReason = `p99 ${p99.toFixed(0)} ms over ${P99_LIMIT_MS} ms at ${clients.length} subscribers`;
        break;
      }
      best = { value: clients.length, p50_ms: Math.round(p50 * 10) / 10, p99_ms: Math.round(p99 * 10) / 10 };
    }
  } finally {
    for (const c of clients) c.subscriber.close();
    for (const ws of sockets) ws.terminate();
    await served.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${JSON.stringify({
      metrics: { max_caption_clients: withConditions({ ...best, stop_reason: stopReason }, stepsWindow.end()) },
      series: { caption_p99_ms_by_clients: p99Series, caption_p50_ms_by_clients: p50Series },
    })}\n`,
  );
}

main().catch((err) => {
  log(String(err?.stack ?? err));
  process.stdout.write(
    `${JSON.stringify({ metrics: { max_caption_clients: { skipped: String(err) } }, series: {} })}\n`,
  );
  process.exit(1);
});
