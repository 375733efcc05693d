import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { KinesisVideoSignalingClient } from "@aws-sdk/client-kinesis-video-signaling";
import { presignSignalingUrl } from "@babelcast/backend/aws/signalingPresigner.js";
import { PATHS } from "@babelcast/protocol";
import { Role, SignalingClient } from "amazon-kinesis-video-streams-webrtc";
import WebSocket from "ws";
import type { EmbeddedServiceFactory } from "../../src/embeddedContext.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import type { EmbeddedSettings } from "../../src/embeddedSettings.js";
import { createKvsService, type KvsService } from "../../src/kvs/kvsService.js";
import { EMBEDDED_SERVICES } from "../../src/services.js";

// The SDK opens `new (WebSocket || require('ws'))`, which throws on Node 20 without a global.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export interface KvsHarness {
  readonly server: RunningEmbeddedServer;
  readonly kvs: KvsService;
  readonly dataDir: string;
  readonly control: KinesisVideoClient;
  signaling(endpoint: string): KinesisVideoSignalingClient;
  /** A presigned master or viewer URL for `channelArn`, as the sessions backend hands out. */
  presign(channelArn: string, role: "MASTER" | "VIEWER", clientId?: string, expiresSeconds?: number): Promise<string>;
  /** An SDK SignalingClient whose requestSigner returns a backend-presigned URL. */
  client(channelArn: string, role: "MASTER" | "VIEWER", clientId?: string): SignalingClient;
  close(): Promise<void>;
}

/** Starts the embedded server (all its services) in a fresh data dir, with KVS settings for the test. */
export async function startKvsHarness(
  kinesisvideo: Record<string, unknown> = {},
  options: { dataDir?: string; settings?: EmbeddedSettings } = {},
): Promise<KvsHarness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "babelcast-kvs-"));
  let kvs: KvsService | undefined;
  const capture: EmbeddedServiceFactory = (ctx) => {
    kvs = createKvsService(ctx);
    return kvs;
  };
  const server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    settings: { ...options.settings, kinesisvideo },
    services: EMBEDDED_SERVICES.map((f) => (f === createKvsService ? capture : f)),
  });
  if (!kvs) throw new Error("the KVS emulator is not among EMBEDDED_SERVICES");
  const ctx = server.context;
  const credentials = ctx.credentials;
  // One attempt per call, so that a test sees each fault the emulator injects; and no keep-alive, since a
  // call that reused a socket just as the server closed it after its idle timeout (5 s) failed with
  // ECONNRESET (seen under CI load), which with a single attempt is a failure the emulator did not cause.
  const noKeepAlive = { httpAgent: new Agent({ keepAlive: false }) };
  const control = new KinesisVideoClient({
    endpoint: `${ctx.url}${PATHS.kinesisvideo}`,
    region: ctx.region,
    credentials,
    maxAttempts: 1,
    requestHandler: noKeepAlive,
  });
  const endpoints = kvs.endpoints;
  const presign = (channelArn: string, role: "MASTER" | "VIEWER", clientId?: string, expiresSeconds = 299) =>
    presignSignalingUrl({
      endpoint: role === "MASTER" ? endpoints.wssMaster : endpoints.wssViewer,
      channelArn,
      role,
      ...(clientId !== undefined ? { clientId } : {}),
      credentials,
      region: ctx.region,
      expiresSeconds,
    });
  return {
    server,
    kvs,
    dataDir,
    control,
    signaling: (endpoint) =>
      new KinesisVideoSignalingClient({
        endpoint,
        region: ctx.region,
        credentials,
        maxAttempts: 1,
        requestHandler: noKeepAlive,
      }),
    presign,
    client: (channelArn, role, clientId) =>
      new SignalingClient({
        channelARN: channelArn,
        channelEndpoint: role === "MASTER" ? endpoints.wssMaster : endpoints.wssViewer,
        region: ctx.region,
        role: role === "MASTER" ? Role.MASTER : Role.VIEWER,
        ...(clientId !== undefined ? { clientId } : {}),
        requestSigner: { getSignedURL: () => presign(channelArn, role, clientId) },
      }),
    async close() {
      control.destroy();
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first emission of `event`, or rejects after `ms`. */
export function once<T extends unknown[]>(
  emitter: { once(event: string, fn: (...args: T) => void): unknown },
  event: string,
  ms = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    emitter.once(event, (...args: T) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Opens a SignalingClient and waits until it is connected. */
export async function openClient(client: SignalingClient): Promise<SignalingClient> {
  const opened = once(client, "open");
  const failed = once<[unknown]>(client, "error").then(([e]) => {
    throw new Error(`signaling client failed to open: ${String((e as { message?: string })?.message ?? e)}`);
  });
  client.open();
  await Promise.race([opened, failed]);
  failed.catch(() => {});
  return client;
}

/** Opens a raw WebSocket to a URL; resolves with the socket once open, or with the refused status. */
export function rawConnect(url: string): Promise<{ ws?: WebSocket; status?: number; errorType?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once("open", () => resolve({ ws }));
    ws.once("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode ?? 0, errorType: String(res.headers["x-amzn-errortype"] ?? "") });
      res.resume();
      ws.terminate();
    });
    ws.once("error", () => resolve({ status: -1 }));
  });
}

export function nextMessage(ws: WebSocket, ms = 10_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
    ws.once("message", (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()) as Record<string, unknown>);
    });
  });
}

export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");
