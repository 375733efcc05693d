import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_TABLE_NAMES } from "@babelcast/backend/tables/definitions.js";
import { createStores, type Stores } from "@babelcast/backend/tables/stores.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, openSocket, startHarness, wsUrl } from "./harness.js";

let h: Harness;
let stores: Stores;
let dynamo: DynamoDBDocumentClient;
let privateId: string;
let publicId: string;

async function talk(transcriptPublic: boolean): Promise<string> {
  const created = await h.api(
    "POST",
    "/sessions",
    { title: "Talk", sourceLanguage: "en", targetLanguages: ["es", "fr"], transcriptPublic },
    h.ownerToken,
  );
  const id = created.json.id as string;
  const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
  const lines = ["Good morning.", "Welcome to the talk."];
  for (const [seq, text] of lines.entries()) {
    const now = Date.now();
    consoleWs.send({
      action: "segment",
      seq,
      text,
      startTime: seq * 2,
      endTime: seq * 2 + 1.5,
      stages: { committedAt: now, sentAt: now },
    });
  }
  for (let i = 0; i < 100 && (await stores.segments.listAfter(id, -1)).length < 2; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await consoleWs.close();
  // What the translation pipeline stores for Spanish (French never got a translation).
  await stores.segments.putTranslation(id, 0, "es", { text: "Buenos días.", stages: { translatedAt: Date.now() } });
  await stores.segments.putTranslation(id, 1, "es", { text: "Bienvenidos a la charla.", stages: {} });
  return id;
}

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
  privateId = await talk(false);
  publicId = await talk(true);
});
afterAll(async () => {
  dynamo?.destroy();
  await h?.stop();
});

describe("GET /sessions/{id}/transcript", () => {
  it("exports the source language as text by default", async () => {
    const res = await h.api("GET", `/sessions/${privateId}/transcript`, undefined, h.ownerToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${privateId}-en.txt"`);
    expect(res.text).toBe("Good morning.\nWelcome to the talk.\n");
  });

  it("exports a target language as SRT and WebVTT", async () => {
    const srt = await h.api("GET", `/sessions/${privateId}/transcript?lang=es&format=srt`, undefined, h.ownerToken);
    expect(srt.text).toBe(
      "1\n00:00:00,000 --> 00:00:01,500\nBuenos días.\n\n2\n00:00:02,000 --> 00:00:03,500\nBienvenidos a la charla.\n",
    );
    const vtt = await h.api("GET", `/sessions/${privateId}/transcript?lang=es&format=vtt`, undefined, h.ownerToken);
    expect(vtt.headers.get("content-type")).toMatch(/text\/vtt/);
    expect(vtt.text.startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nBuenos días.\n")).toBe(true);
  });

  it("exports an empty file for a language nobody translated into", async () => {
    const res = await h.api("GET", `/sessions/${privateId}/transcript?lang=fr`, undefined, h.ownerToken);
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });

  it("is the owner's only, unless the session made it public", async () => {
    const anonymous = await h.api("GET", `/sessions/${privateId}/transcript`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.json.error.message).toMatch(/only the presenter/);
    const wrongToken = await h.api("GET", `/sessions/${privateId}/transcript`, undefined, "x".repeat(32));
    expect(wrongToken.status).toBe(403);
    const open = await h.api("GET", `/sessions/${publicId}/transcript?lang=es`);
    expect(open.status).toBe(200);
    expect(open.text).toContain("Buenos días.");
  });

  it.each([
    ["an unknown format", "?format=pdf", 400, /format must be one of txt, srt, vtt/],
    ["a language the session lacks", "?lang=de", 400, /choose one of en, es, fr/],
  ])("answers 400 for %s", async (_name, query, status, message) => {
    const res = await h.api("GET", `/sessions/${privateId}/transcript${query}`, undefined, h.ownerToken);
    expect(res.status).toBe(status);
    expect(res.json.error.message).toMatch(message);
  });

  it("answers 404 for an unknown session", async () => {
    expect((await h.api("GET", "/sessions/quiet-comet-000/transcript", undefined, h.ownerToken)).status).toBe(404);
  });
});
