import { mkdirSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableInput, TABLE_IDS, TABLES, type TableDefinition } from "@babelcast/backend/tables/definitions.js";
import { PATHS } from "@babelcast/protocol";
import dynalite from "dynalite";
import { callersFor } from "../auth/callerDirectory.js";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { AwsServiceError, DYNAMODB_JSON, sendAwsError } from "../http/awsResponses.js";
import { readLimitedBody } from "../http/requestBody.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { underPrefix } from "../underPrefix.js";
import { dynamoCalls, tableResource } from "./dynamoCalls.js";

/** Folder of the on-disk store inside the data dir. */
export const DYNAMODB_DIR = "dynamodb";
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** DynamoDB answers errors in awsJson 1.0, its `__type` qualified by the service namespace. */
function sendDynamoError(res: ServerResponse, status: number, type: string, message: string): void {
  sendAwsError(res, new AwsServiceError(type, status, message), DYNAMODB_JSON);
}

/** Creates the tables that do not exist yet (on first start; later starts find them on disk). */
async function ensureTables(endpoint: string, ctx: EmbeddedContext): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: ctx.region, credentials: ctx.credentials });
  try {
    for (const id of TABLE_IDS) {
      const def: TableDefinition = TABLES[id];
      try {
        await client.send(new DescribeTableCommand({ TableName: def.tableName }));
        continue;
      } catch (err) {
        if ((err as Error).name !== "ResourceNotFoundException") throw err;
      }
      await client.send(new CreateTableCommand(createTableInput(def)));
      for (let i = 0; i < 100; i++) {
        const out = await client.send(new DescribeTableCommand({ TableName: def.tableName }));
        if (out.Table?.TableStatus === "ACTIVE") break;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * The DynamoDB-compatible store: dynalite (LevelDB) kept in `D/dynamodb`. Dynalite listens on
 * an internal loopback port only for the startup table creation (the public port refuses
 * requests until every service is up); the public mount at `/aws/dynamodb` verifies SigV4
 * and hands each request to dynalite's request handler in-process, without a proxy hop.
 */
export async function createDynamoService(ctx: EmbeddedContext): Promise<EmbeddedService> {
  const dir = join(ctx.dataDir, DYNAMODB_DIR);
  mkdirSync(dir, { recursive: true });
  const store: Server = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    store.once("error", reject);
    store.listen(0, "127.0.0.1", () => resolve());
  });
  const internal = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
  let closing = false;
  let inFlight = 0;
  const close = async () => {
    closing = true;
    // Let requests already handed to the store finish: the store fails them once closed.
    for (let i = 0; i < 40 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise<void>((resolve) => {
      store.close(() => resolve());
      store.closeAllConnections?.();
    });
  };
  try {
    await ensureTables(internal, ctx);
  } catch (err) {
    await close();
    throw new Error(
      `the table store in ${dir} could not be opened (${(err as Error).message}): is another embedded server using this data dir?`,
    );
  }
  const callers = callersFor(ctx);
  const verifier = new SigV4Verifier({
    credentials: ctx.credentials,
    resolveCredentials: (id) => callers.resolve(id),
    region: ctx.region,
    service: "dynamodb",
  });

  /** AWS's refusal of the first call the caller's role does not allow, if any. */
  function refusal(accessKeyId: string, target: string, body: Buffer): string | undefined {
    let input: unknown;
    try {
      input = JSON.parse(body.toString("utf8"));
    } catch {
      return undefined; // the store answers SerializationException
    }
    for (const call of dynamoCalls(target, input)) {
      const arn = `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${call.tableName}`;
      const decision = callers.authorize(accessKeyId, call.action, tableResource(call.tableName), arn);
      if (!decision.allowed) return decision.message;
    }
    return undefined;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closing) {
      req.resume();
      sendDynamoError(res, 503, "ServiceUnavailable", "The table store is stopping.");
      return;
    }
    const body = await readLimitedBody(req, MAX_REQUEST_BYTES);
    if (body === undefined) {
      sendDynamoError(res, 413, "ValidationException", "Request body is too large.");
      return;
    }
    const { path, rawQuery } = splitRequestTarget(req.url);
    const verdict = await verifier.verifyHeader({
      method: req.method ?? "POST",
      path,
      rawQuery,
      headers: req.headers,
      body,
    });
    if (!verdict.ok) {
      sendDynamoError(res, 400, verdict.code, verdict.message);
      return;
    }
    const denied = refusal(verdict.accessKeyId, String(req.headers["x-amz-target"] ?? ""), body);
    if (denied !== undefined) {
      sendDynamoError(res, 400, "AccessDeniedException", denied);
      return;
    }
    // Dynalite reads the body from the request stream: hand it a replay of the bytes already read.
    const replay = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
      headers: req.headers,
      method: req.method,
      url: "/",
    });
    if (closing) {
      sendDynamoError(res, 503, "ServiceUnavailable", "The table store is stopping.");
      return;
    }
    // Counted until the store answers (not until the socket closes: a request whose client
    // went away is still being worked on, and the store must not close under it).
    inFlight += 1;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    let answered = false;
    res.end = ((...args: unknown[]) => {
      if (!answered) {
        answered = true;
        inFlight -= 1;
      }
      return end(...args);
    }) as typeof res.end;
    store.emit("request", replay, res);
  }

  return {
    name: "dynamodb",
    handleRequest(req, res) {
      if (!underPrefix(splitRequestTarget(req.url).path, PATHS.dynamodb)) return false;
      serve(req, res).catch((err) => {
        ctx.log.error("dynamodb request failed", { error: String(err) });
        if (!res.headersSent) sendDynamoError(res, 500, "InternalServerError", "The table store failed.");
      });
      return true;
    },
    close,
  };
}
