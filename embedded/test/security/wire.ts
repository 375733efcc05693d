import { Agent, request } from "node:http";
import { connect } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { KinesisVideoClient, ListSignalingChannelsCommand } from "@aws-sdk/client-kinesis-video";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TABLES } from "@babelcast/backend/tables/definitions.js";
import { allItems } from "@babelcast/backend/tables/paging.js";
import { ApiError, PATHS } from "@babelcast/protocol";
import type { RunningEmbeddedServer } from "../../src/embeddedServer.js";

/** Helpers the security and reliability tests share: raw HTTP on loopback, state snapshots, checks. */

export interface WireRequest {
  readonly method: string;
  /** Path and query as they go on the request line. */
  readonly target: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface WireReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A keep-alive agent: the fuzzers send thousands of requests over a few sockets, as a browser would. */
export function keepAliveAgent(maxSockets = 8): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** One HTTP request with node:http (no retries, no redirects); rejects only on socket errors. */
export function send(baseUrl: string, agent: Agent, req: WireRequest, timeoutMs = 30_000): Promise<WireReply> {
  return new Promise((resolve, reject) => {
    const r = request(
      `${baseUrl}${req.target}`,
      { method: req.method, headers: req.headers ?? {}, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on("error", reject);
    r.end(req.body);
  });
}

/**
 * Writes raw bytes on a fresh TCP connection and collects the answer: everything until the
 * server closes the connection, or the first complete response (a kept-alive connection).
 */
export function sendRaw(port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server neither answered nor closed the connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (c) => {
      chunks.push(c);
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, split))?.[1] ?? -1);
      if (split >= 0 && length >= 0 && text.length >= split + 4 + length) socket.destroy();
    });
    socket.on("error", () => undefined); // a reset after the answer is fine; the answer is what counts
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
  });
}

/** Status and JSON body of a raw HTTP/1.1 answer (the first one on the connection). */
export function parseRawReply(text: string): { status: number; body: string; headers: string } {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const split = text.indexOf("\r\n\r\n");
  const headers = split < 0 ? text : text.slice(0, split);
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? -1);
  const rest = split < 0 ? "" : text.slice(split + 4);
  return { status, headers, body: length >= 0 ? rest.slice(0, length) : rest };
}

/** Why an answer is not a clear 4xx refusal in the API's error shape, or undefined when it is. */
export function notAClearRefusal(status: number, contentType: string, body: string): string | undefined {
  if (status < 400 || status > 499) return `status ${status}`;
  if (contentType && !/application\/json/i.test(contentType)) return `content-type ${contentType}`;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return `body is not JSON: ${body.slice(0, 80)}`;
  }
  const parsed = ApiError.safeParse(json);
  if (!parsed.success) return `body is not {error:{code,message}}: ${body.slice(0, 80)}`;
  if (!parsed.data.error.code || parsed.data.error.message.length < 5) return `unclear error: ${body.slice(0, 80)}`;
  return undefined;
}

/**
 * Everything a request could change: every table's items and the KVS channels, in a stable
 * order. Rate-limit counters are left out: counting a refused attempt against its limit is
 * the point of the limit (passcode guesses must count), not a change a refusal may not make.
 */
export async function snapshotState(server: RunningEmbeddedServer): Promise<string> {
  const { credentials, region } = server.context;
  const base = server.context.loopbackUrl;
  const dynamo = new DynamoDBClient({ region, credentials, endpoint: `${base}${PATHS.dynamodb}` });
  const documents = DynamoDBDocumentClient.from(dynamo);
  const kvs = new KinesisVideoClient({ region, credentials, endpoint: `${base}${PATHS.kinesisvideo}` });
  try {
    const tables: Record<string, string[]> = {};
    const names = (await dynamo.send(new ListTablesCommand({}))).TableNames ?? [];
    for (const name of names.sort().filter((n) => n !== TABLES.rateLimits.tableName)) {
      const items = await allItems<Record<string, unknown>>(documents, { scan: { TableName: name } });
      tables[name] = items.map(stableJson).sort();
    }
    const channels = (await kvs.send(new ListSignalingChannelsCommand({ MaxResults: 10_000 }))).ChannelInfoList ?? [];
    return stableJson({ tables, channels: channels.map((c) => c.ChannelARN).sort() });
  } finally {
    dynamo.destroy();
    kvs.destroy();
  }
}

/** JSON with sorted keys; sets (DynamoDB's string and number sets, unmarshalled) as sorted arrays. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v instanceof Set
      ? [...v].sort()
      : v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
        : v,
  );
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

/** Collects unhandled rejections and uncaught exceptions while a test runs. */
export function watchProcess(): { readonly problems: string[]; stop(): void } {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandled rejection: ${String(reason)}`);
  const onException = (err: unknown) => problems.push(`uncaught exception: ${String(err)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    problems,
    stop() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}
