import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHttpApiHandler } from "@babelcast/backend/handlers/http/httpApi.js";
import { type BackendDeps, createBackendDeps } from "@babelcast/backend/handlers/shared/backendDeps.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDynamoService } from "../../src/dynamodb/dynamoService.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { embeddedRuntimeConfig } from "../../src/gateway/embeddedRuntime.js";
import { httpApiEvent } from "../../src/gateway/httpEvents.js";
import { matchRoute } from "../../src/gateway/httpRouteMatch.js";
import { createKvsService } from "../../src/kvs/kvsService.js";

/**
 * The HTTP API handler's id-collision retry, with a rigged random source. A rigged source
 * cannot reach a function in its Lambda containers, so the handler runs here, in the test,
 * against the embedded server's real tables and KVS endpoint.
 */
let server: RunningEmbeddedServer;
let deps: BackendDeps;
const dir = mkdtempSync(join(tmpdir(), "babelcast-ids-"));
// Every id drawn is amber-anchor-000 until the fourth draw of the second session: a forced collision.
const draws = [0, 0, 0, 0, 0, 0, 0.99, 0.99, 0.5];
let drawn = 0;
const random = () => draws[drawn++] ?? 0.5;

beforeAll(async () => {
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: dir,
    services: [createKvsService, createDynamoService],
  });
  deps = createBackendDeps(embeddedRuntimeConfig(server.context), { random });
});
afterAll(async () => {
  deps?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function create(): Promise<string> {
  const route = matchRoute("POST", "/sessions");
  if (!route || "methodMismatch" in route) throw new Error("no POST /sessions route");
  const event = httpApiEvent(
    {
      method: "POST",
      path: "/sessions",
      rawQuery: "",
      headers: { "content-type": "application/json", authorization: `Bearer ${server.context.ownerToken}` },
      body: Buffer.from(JSON.stringify({ title: "T", sourceLanguage: "en" })),
      sourceIp: "127.0.0.1",
      domainName: new URL(server.url).host,
    },
    route,
  );
  const result = await createHttpApiHandler(deps)(event);
  expect(result.statusCode, result.body).toBe(201);
  return (JSON.parse(result.body ?? "{}") as { id: string }).id;
}

it("draws another session id when the first one is taken", async () => {
  expect(await create()).toBe("amber-anchor-000");
  expect(await create()).toBe("young-hill-990");
});
