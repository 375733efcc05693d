import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_TABLE_NAMES } from "@babelcast/backend/tables/definitions.js";
import { createStores, type Stores } from "@babelcast/backend/tables/stores.js";
import { SessionReport } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, openSocket, startHarness, type TestSocket, wsUrl } from "./harness.js";

let h: Harness;
let stores: Stores;
let dynamo: DynamoDBDocumentClient;

beforeAll(async () => {
  h = await startHarness();
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: h.server.context.region,
      endpoint: h.server.context.config.endpoints?.dynamodb,
      credentials: h.server.context.credentials,
    }),
  );
  stores = createStores(dynamo, DEFAULT_TABLE_NAMES);
});
afterAll(async () => {
  dynamo?.destroy();
  await h?.stop();
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

async function listen(sessionId: string, language: string): Promise<TestSocket> {
  const joined = await h.api("POST", `/sessions/${sessionId}/listeners`, { language });
  return openSocket(wsUrl(h, { role: "listener", sessionId, token: joined.json.listenerToken as string }));
}

describe("GET /sessions/{id}/report", () => {
  it("reports the listeners each change left, per-stage latency and lost translations to the owner, during and after the session", {
    timeout: 90_000,
  }, async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Report", sourceLanguage: "en", targetLanguages: ["es", "fr"] },
      h.ownerToken,
    );
    const id = created.json.id as string;
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const spanish = [await listen(id, "es"), await listen(id, "es")];
    const french = await listen(id, "fr");
    await waitFor(async () => (await stores.coordination.listenerTimeline(id)).some((s) => s.total === 3));
    await french.close();
    await waitFor(async () => (await stores.coordination.listenerTimeline(id)).at(-1)?.total === 2);

    const now = Date.now();
    consoleWs.send({
      action: "segment",
      seq: 0,
      text: "Good morning.",
      startTime: 0,
      endTime: 1.5,
      stages: { spokenEndAt: now - 300, committedAt: now - 100, sentAt: now - 100 },
    });
    await waitFor(async () => (await stores.segments.listAfter(id, -1)).length === 1);
    await waitFor(async () => (await stores.segments.get(id, 0))?.translations?.es !== undefined);

    const res = await h.api("GET", `/sessions/${id}/report`, undefined, h.ownerToken);
    expect(res.status, res.text).toBe(200);
    const report = SessionReport.parse(res.json);
    expect(report.languages).toEqual(["en", "es", "fr"]);
    expect(report.listeners.peak).toMatchObject({ total: 3, byLanguage: { es: 2, fr: 1 } });
    expect(report.listeners.perMinute.at(-1)?.byLanguage.es).toBe(2);
    expect(report.listeners.listenerMinutes.total).toBeGreaterThan(0);
    // The segment went out in the languages listened to when it came (es only: French had left).
    expect(report.segments).toMatchObject({ total: 1, translationsOwed: 1, lost: 0 });
    expect(report.latency.map((s) => s.stage)).toEqual(["recognize", "send", "persist", "translate", "total"]);
    expect(report.latency[0]).toMatchObject({ count: 1, p50Ms: 200, p95Ms: 200 });

    // After the end the report stays, its figures running up to the end.
    const ended = await h.api("DELETE", `/sessions/${id}`, undefined, h.ownerToken);
    expect(ended.status, ended.text).toBe(200);
    const after = SessionReport.parse((await h.api("GET", `/sessions/${id}/report`, undefined, h.ownerToken)).json);
    expect(after.status).toBe("ended");
    expect(after.endedAt).toBeDefined();
    expect(after.listeners.peak.total).toBe(3);

    for (const s of spanish) await s.close();
    await consoleWs.close();
  });

  it("refuses anyone but the owner and changes nothing", async () => {
    const created = await h.api("POST", "/sessions", { title: "Private", sourceLanguage: "en" }, h.ownerToken);
    const id = created.json.id as string;
    const anonymous = await h.api("GET", `/sessions/${id}/report`);
    expect(anonymous.status).toBe(401);
    expect(String(anonymous.json.error?.message)).toMatch(/sign in/);
    const unknown = await h.api("GET", "/sessions/quiet-comet-000/report", undefined, h.ownerToken);
    expect(unknown.status).toBe(404);
  });
});
