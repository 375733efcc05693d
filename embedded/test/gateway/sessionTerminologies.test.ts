import {
  GetTerminologyCommand,
  ImportTerminologyCommand,
  ListTerminologiesCommand,
  type TranslateClient,
} from "@aws-sdk/client-translate";
import { listTerminologies } from "@babelcast/backend/aws/sessionTerminologies.js";
import { cleanupStaleSessions, DEFAULT_CLEANUP_POLICY } from "@babelcast/backend/handlers/cleanup.js";
import { type BackendDeps, createBackendDeps } from "@babelcast/backend/handlers/shared/backendDeps.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedRuntimeConfig } from "../../src/gateway/embeddedRuntime.js";
import { type Harness, openListener, openSocket, startHarness, wsUrl } from "./harness.js";

/**
 * Session glossaries become Translate terminologies, which Translate keeps (and counts
 * against a quota) until deleted: ending a session deletes its own, and the cleanup
 * schedule deletes the ones an ending left behind.
 */
let h: Harness;
let deps: BackendDeps;
let translate: TranslateClient;
const quietLog = { info: () => {}, warn: () => {}, error: () => {} };

beforeAll(async () => {
  h = await startHarness({ sessions: { countsDebounceMs: 20 } });
  deps = createBackendDeps(embeddedRuntimeConfig(h.server.context), { log: quietLog });
  translate = deps.clients.translate;
});
afterAll(async () => {
  deps?.close();
  await h?.stop();
});

async function terminologyExists(name: string): Promise<boolean> {
  try {
    await translate.send(new GetTerminologyCommand({ Name: name, TerminologyDataFormat: "CSV" }));
    return true;
  } catch (err) {
    if ((err as Error).name === "ResourceNotFoundException") return false;
    throw err;
  }
}

async function importTerminology(name: string): Promise<void> {
  await translate.send(
    new ImportTerminologyCommand({
      Name: name,
      MergeStrategy: "OVERWRITE",
      TerminologyData: { File: new TextEncoder().encode("en,es\nBabelcast,Babelcast\n"), Format: "CSV" },
    }),
  );
}

describe("session terminologies", () => {
  it("imports the glossary when a segment is translated and deletes it when the session ends", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      {
        title: "Glossary",
        sourceLanguage: "en",
        targetLanguages: ["es"],
        glossary: [{ source: "Babelcast", targets: { es: "Babelcast" } }],
      },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const name = `babelcast-${id}`;
    const consoleSocket = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const joined = await h.api("POST", `/sessions/${id}/listeners`, { language: "es" });
    expect(joined.status, joined.text).toBe(200);
    const es = await openListener(h.server.context.config, id, joined.json.listenerToken, "es");
    await consoleSocket.next("listener-counts", 10_000, (m) => m.total === 1);
    const now = Date.now();
    consoleSocket.send({
      action: "segment",
      seq: 0,
      text: "Babelcast is in the house.",
      startTime: 0,
      endTime: 1.5,
      stages: { committedAt: now, sentAt: now, spokenEndAt: now - 200 },
    });
    const caption = await es.next("caption", 60_000, (c) => c.segmentSeq === 0);
    expect(caption.text).toContain("Babelcast");
    expect(await terminologyExists(name)).toBe(true);

    const ended = await h.api("DELETE", `/sessions/${id}`, undefined, h.ownerToken);
    expect(ended.status, ended.text).toBe(200);
    expect(await terminologyExists(name)).toBe(false);
    await Promise.all([consoleSocket.close(), es.close()]);
  });

  it("lists terminologies page by page as ListTerminologies does", async () => {
    for (const n of ["paging-a", "paging-b", "paging-c"]) await importTerminology(`othertool-${n}`);
    const first = await translate.send(new ListTerminologiesCommand({ MaxResults: 2 }));
    expect(first.TerminologyPropertiesList).toHaveLength(2);
    expect(first.NextToken).toBeTruthy();
    const names = (await listTerminologies(translate)).map((t) => t.name);
    expect(names.filter((n) => n.startsWith("othertool-paging-"))).toEqual([
      "othertool-paging-a",
      "othertool-paging-b",
      "othertool-paging-c",
    ]);
    await expect(translate.send(new ListTerminologiesCommand({ MaxResults: 501 }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
  });

  it("cleanup deletes old terminologies of ended or unknown sessions, never a live session's or another tool's", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Live", sourceLanguage: "en", targetLanguages: ["es"] },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const live = `babelcast-${created.json.id}`;
    const orphan = "babelcast-gone-session-999";
    const foreign = "othertool-gone-session-999";
    for (const name of [live, orphan, foreign]) await importTerminology(name);
    // Sessions stay: only terminologies are under test.
    const keepSessions = { ...DEFAULT_CLEANUP_POLICY, idleMs: 1e12, maxAgeMs: 1e12 };

    // Freshly imported: it may belong to a session being created, so it stays.
    const early = await cleanupStaleSessions(deps, keepSessions);
    expect(early.terminologiesDeleted).toEqual([]);
    expect(await terminologyExists(orphan)).toBe(true);

    const later = createBackendDeps(embeddedRuntimeConfig(h.server.context), {
      log: quietLog,
      now: () => Date.now() + DEFAULT_CLEANUP_POLICY.orphanTerminologyAgeMs + 60_000,
    });
    try {
      const result = await cleanupStaleSessions(later, keepSessions);
      expect(result.terminologiesDeleted).toEqual([orphan]);
    } finally {
      later.close();
    }
    expect(await terminologyExists(orphan)).toBe(false);
    expect(await terminologyExists(live)).toBe(true);
    expect(await terminologyExists(foreign)).toBe(true);
  });
});
