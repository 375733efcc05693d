// Benchmark of the embedded KVS signaling relay: relay latency with 100 channels of
// 1 master + 10 viewers on loopback, and the server's memory per signaling connection.
// Run by `npm run bench` (e2e/bench/run.ts) or alone: `npx tsx e2e/bench/signaling.bench.ts`.
// Progress goes to stderr; the last stdout line is `{"metrics": {...}, "series": {...}}`.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { CreateSignalingChannelCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { KinesisVideoSignalingClient } from "@aws-sdk/client-kinesis-video-signaling";
import { kvsSignalingChannels } from "@babelcast/backend/aws/signalingChannels.js";
import { CREDENTIALS_FILE, parseCredentialsFile } from "@babelcast/embedded/dataDir.js";
import { PATHS } from "@babelcast/protocol";
import WebSocket from "ws";
import { channelPresigner } from "../support/kvsPresign.js";
import { percentile } from "./report/percentile.js";
import { type RunConditions, startConditions, withConditions } from "./report/runConditions.js";

export interface SignalingBenchResult {
  metrics: {
    signaling_relay_ms: { p50: number; p99: number; n: number; conditions: RunConditions };
    /** value: server RSS growth per connection (after a full GC); heap_kb: JS heap + external. */
    signaling_memory_per_connection_kb: {
      value: number;
      heap_kb: number;
      connections: number;
      conditions: RunConditions;
    };
    /** The backend's master grant for a console reconnecting to 100 channels, from a cold container. */
    master_grant_100_channels_ms: { p50: number; p99: number; n: number; channels: number; conditions: RunConditions };
  };
  /** Every relay latency sample, ms. */
  series: { signaling_relay_ms: number[] };
}

const log = (m: string) => process.stderr.write(`[signaling] ${m}\n`);

const CHANNELS = 100;
/** Cold-container master grants timed for all CHANNELS. */
const GRANT_TRIALS = 10;
const VIEWERS = 10;
const ROUNDS = 5;
const ROUND_MS = 2000;
const repoRoot = join(import.meta.dirname, "..", "..");

const round2 = (x: number) => Math.round(x * 100) / 100;

interface MemoryFigures {
  rss: number;
  heapUsed: number;
  external: number;
}

/** The embedded server with only the KVS emulator, in its own process so its memory is its own. */
async function startServer(dataDir: string) {
  // Limits raised so the benchmark measures relaying, not AWS's rate quotas.
  const settings = {
    connectsPerSecondPerChannel: 10_000,
    iceCandidatesPerSecond: 10_000,
    maxViewersPerChannel: VIEWERS,
  };
  const child = spawn(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      join(repoRoot, "e2e/support/kvsServerProcess.ts"),
      dataDir,
      JSON.stringify(settings),
    ],
    { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the KVS server process did not answer in 60 s")), 60_000);
      lines.once("line", (l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  const { url } = JSON.parse(await nextLine()) as { url: string };
  const memory = async (): Promise<MemoryFigures> => {
    child.stdin?.write("memory\n");
    return JSON.parse(await nextLine()) as MemoryFigures;
  };
  return { child, url, memory };
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_q, res) => reject(new Error(`signaling refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

/**
 * Times the backend's master grant (what `GET /sessions/{id}/channels` answers a reconnecting
 * console) for every channel, each trial with new SDK clients and an empty endpoint cache, as
 * in a Lambda container that has never seen the session.
 */
async function timeMasterGrants(
  url: string,
  arns: readonly string[],
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
): Promise<number[]> {
  const samples: number[] = [];
  for (let trial = 0; trial < GRANT_TRIALS; trial++) {
    const kinesisVideo = new KinesisVideoClient({ endpoint: `${url}${PATHS.kinesisvideo}`, region, credentials });
    const signalingClients = new Map<string, KinesisVideoSignalingClient>();
    const channels = kvsSignalingChannels(
      {
        kinesisVideo,
        signaling(endpoint) {
          const client =
            signalingClients.get(endpoint) ?? new KinesisVideoSignalingClient({ endpoint, region, credentials });
          signalingClients.set(endpoint, client);
          return client;
        },
        credentials: async () => credentials,
      },
      { region, viewerUrlExpirySeconds: 299, masterUrlExpirySeconds: 3600 },
    );
    const started = performance.now();
    const grants = await channels.grantMasters(arns);
    samples.push(performance.now() - started);
    if (grants.length !== arns.length) throw new Error(`granted ${grants.length} of ${arns.length} channels`);
    kinesisVideo.destroy();
    for (const c of signalingClients.values()) c.destroy();
  }
  samples.sort((a, b) => a - b);
  log(`master grant for ${arns.length} channels: p50 ${round2(percentile(samples, 50))} ms`);
  return samples;
}

export async function runSignalingBench(): Promise<SignalingBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "babelcast-bench-kvs-"));
  const { child, url, memory } = await startServer(dataDir);
  const sockets: WebSocket[] = [];
  try {
    const credentials = parseCredentialsFile(readFileSync(join(dataDir, CREDENTIALS_FILE), "utf8"));
    if (!credentials) throw new Error("the embedded server wrote no credentials");
    const region = "us-east-1";
    const control = new KinesisVideoClient({ endpoint: `${url}${PATHS.kinesisvideo}`, region, credentials });
    const arns: string[] = [];
    for (let c = 0; c < CHANNELS; c++) {
      const out = await control.send(new CreateSignalingChannelCommand({ ChannelName: `bench-${c}` }));
      arns.push(out.ChannelARN ?? "");
    }
    control.destroy();
    const grantWindow = startConditions();
    const grantSamples = await timeMasterGrants(url, arns, credentials, region);
    const grantConditions = grantWindow.end();
    const presign = (channelArn: string, role: "MASTER" | "VIEWER", clientId?: string) =>
      channelPresigner(url, channelArn, credentials, region).presign(role, clientId);

    log(`${CHANNELS} channels created; connecting ${CHANNELS * (VIEWERS + 1)} clients`);
    await new Promise((r) => setTimeout(r, 500));
    const relayWindow = startConditions();
    const before = await memory();
    const samples: number[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as { messagePayload?: string };
      if (!m.messagePayload) return;
      const { t } = JSON.parse(Buffer.from(m.messagePayload, "base64").toString()) as { t: number };
      samples.push(performance.now() - t);
    };
    const channels: { master: WebSocket; viewers: { id: string; ws: WebSocket }[] }[] = [];
    for (const arn of arns) {
      const master = await open(await presign(arn, "MASTER"));
      master.on("message", onMessage);
      const viewers = await Promise.all(
        Array.from({ length: VIEWERS }, async (_, v) => {
          const id = `viewer-${v}`;
          const ws = await open(await presign(arn, "VIEWER", id));
          ws.on("message", onMessage);
          return { id, ws };
        }),
      );
      sockets.push(master, ...viewers.map((v) => v.ws));
      channels.push({ master, viewers });
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = await memory();
    log(
      `server RSS ${before.rss >> 10} KiB before, ${after.rss >> 10} KiB after ${sockets.length} connections; relaying`,
    );

    // Each round, every viewer sends one candidate to its master and every master one to each
    // viewer, at random moments spread over the round: steady load, as in a room filling up.
    const payload = () =>
      Buffer.from(
        JSON.stringify({ t: performance.now(), candidate: "candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host" }),
      ).toString("base64");
    const expected = ROUNDS * CHANNELS * VIEWERS * 2;
    for (let round = 0; round < ROUNDS; round++) {
      for (const ch of channels) {
        for (const v of ch.viewers) {
          setTimeout(
            () => v.ws.send(JSON.stringify({ action: "ICE_CANDIDATE", messagePayload: payload() })),
            Math.random() * ROUND_MS,
          );
          setTimeout(
            () =>
              ch.master.send(
                JSON.stringify({ action: "ICE_CANDIDATE", messagePayload: payload(), recipientClientId: v.id }),
              ),
            Math.random() * ROUND_MS,
          );
        }
      }
      await new Promise((r) => setTimeout(r, ROUND_MS));
    }
    const deadline = Date.now() + 10_000;
    while (samples.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    samples.sort((a, b) => a - b);
    const relayConditions = relayWindow.end();
    log(`${samples.length} of ${expected} messages relayed`);
    return {
      metrics: {
        signaling_relay_ms: withConditions(
          { p50: round2(percentile(samples, 50)), p99: round2(percentile(samples, 99)), n: samples.length },
          relayConditions,
        ),
        master_grant_100_channels_ms: withConditions(
          {
            p50: round2(percentile(grantSamples, 50)),
            p99: round2(percentile(grantSamples, 99)),
            n: grantSamples.length,
            channels: arns.length,
          },
          grantConditions,
        ),
        signaling_memory_per_connection_kb: withConditions(
          {
            value: round2((after.rss - before.rss) / 1024 / sockets.length),
            heap_kb: round2(
              (after.heapUsed + after.external - before.heapUsed - before.external) / 1024 / sockets.length,
            ),
            connections: sockets.length,
          },
          relayConditions,
        ),
      },
      series: { signaling_relay_ms: samples.map(round2) },
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default runSignalingBench;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSignalingBench().then(
    (result) => {
      log(JSON.stringify(result.metrics));
      console.log(JSON.stringify(result));
    },
    (err: unknown) => {
      log(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
