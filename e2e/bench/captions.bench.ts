import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CaptionMessage, JoinResponse } from "@babelcast/protocol";
import WebSocket from "ws";
import { serveEmbedded } from "../support/embeddedServer.js";
import { percentile } from "./report/percentile.js";
import { startConditions, withConditions } from "./report/runConditions.js";

/**
 * max_caption_clients: how many caption WebSocket clients the embedded server sustains with
 * p99 caption delivery under 200 ms. Steps the client count up and stops at the first step
 * that misses (or at the cap). The server runs in its own process, as `npm run serve` does;
 * the clients share this process. Delivery = caption arrival minus the moment the console
 * sent the segment (same machine clock).
 */

const STEPS = [5, 10, 25, 50, 100, 200, 300, 400, 600, 800, 1000, 1500, 2000];
const P99_LIMIT_MS = 200;
const CAPTIONS_PER_STEP = 8;
const CAPTION_INTERVAL_MS = 400;
const BUDGET_MS = 150_000;
const JOIN_CONCURRENCY = 16;

const log = (m: string) => process.stderr.write(`[captions] ${m}\n`);

interface Client {
  ws: WebSocket;
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
  const series: [number, number][] = [];
  let best: { value: number; p99_ms: number } = { value: 0, p99_ms: 0 };
  try {
    const config = await (await fetch(`${served.ready.url}/config.json`)).json();
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
    const consoleWs = await open(
      `${config.webSocketUrl}?${new URLSearchParams({ role: "console", sessionId: session.id, token: ownerToken })}`,
    );
    consoleWs.on("message", () => undefined);

    const addClient = async () => {
      const joined = JoinResponse.parse(await api("POST", `/sessions/${session.id}/listeners`, { language: "en" }));
      const ws = await open(
        `${config.webSocketUrl}?${new URLSearchParams({ role: "listener", sessionId: session.id, token: joined.listenerToken })}`,
      );
      const client: Client = { ws, received: new Map() };
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse(data.toString()) as CaptionMessage;
        if (m.type === "caption" && m.spokenEndAt !== undefined) client.received.set(m.seq, Date.now() - m.spokenEndAt);
      });
      clients.push(client);
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
    await addClient();
    for (; seq < 5; seq++) {
      sendSegment(seq);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const target of STEPS) {
      if (Date.now() - started > BUDGET_MS) {
        log(`time budget spent before ${target} clients`);
        break;
      }
      const adding = target - clients.length;
      let next = 0;
      await Promise.all(
        Array.from({ length: JOIN_CONCURRENCY }, async () => {
          while (next++ < adding) await addClient();
        }),
      );
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
      const stepP99 = missing > 0 ? Number.POSITIVE_INFINITY : percentile(samples, 99);
      log(`${clients.length} clients: p99 ${stepP99.toFixed(1)} ms, ${missing} captions missing`);
      series.push([clients.length, Number.isFinite(stepP99) ? stepP99 : 5000]);
      if (!(stepP99 < P99_LIMIT_MS)) break;
      best = { value: clients.length, p99_ms: Math.round(stepP99 * 10) / 10 };
    }
    consoleWs.close();
  } finally {
    for (const c of clients) c.ws.terminate();
    await served.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${JSON.stringify({
      metrics: { max_caption_clients: withConditions(best, stepsWindow.end()) },
      series: { caption_p99_ms_by_clients: series },
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
