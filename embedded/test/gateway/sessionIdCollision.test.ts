import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDynamoService } from "../../src/dynamodb/dynamoService.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { createGatewayService } from "../../src/gateway/gatewayService.js";
import { createKvsService } from "../../src/kvs/kvsService.js";

let server: RunningEmbeddedServer;
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
    services: [createKvsService, createDynamoService, createGatewayService({ random })],
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function create(): Promise<string> {
  const res = await fetch(`${server.context.config.apiUrl}/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${server.context.ownerToken}` },
    body: JSON.stringify({ title: "T", sourceLanguage: "en" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

it("draws another session id when the first one is taken", async () => {
  expect(await create()).toBe("amber-anchor-000");
  expect(await create()).toBe("young-hill-990");
});
