import { CreateVocabularyCommand, ListVocabulariesCommand } from "@aws-sdk/client-transcribe";
import { listVocabularies } from "@babelcast/backend/aws/transcribeVocabularies.js";
import { cleanupStaleSessions, DEFAULT_CLEANUP_POLICY } from "@babelcast/backend/handlers/cleanup.js";
import { createBackendDeps } from "@babelcast/backend/handlers/shared/backendDeps.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedRuntimeConfig } from "../../src/gateway/embeddedRuntime.js";
import { vocabulariesFor } from "../../src/transcribe/vocabularyStore.js";
import { type Harness, startHarness } from "./harness.js";

/**
 * The glossary as a Transcribe custom vocabulary, kept by the owner function (the console's
 * role may only stream): created with the session, rebuilt when the glossary changes, named
 * to the console once READY, and deleted when the session ends.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const stored = (name: string) => vocabulariesFor(h.server.context).get(name);

describe("session glossary vocabulary", () => {
  it("is created with the session, follows the glossary and goes when the session ends", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      {
        title: "Vocabulary",
        sourceLanguage: "en",
        targetLanguages: ["es"],
        glossary: [
          { source: "Babelcast", targets: {} },
          { source: "Los Angeles", targets: {} },
        ],
      },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const name = `babelcast-${id}`;
    expect(created.json.vocabulary).toEqual({ name, state: "READY" });
    expect(stored(name)?.words.map((w) => w.word)).toEqual(["Babelcast", "Los Angeles"]);

    const got = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(got.json.vocabulary).toEqual({ name, state: "READY" });
    // Listeners see neither the glossary nor its vocabulary.
    const pub = await h.api("GET", `/sessions/${id}`);
    expect(pub.json.vocabulary).toBeUndefined();

    const changed = await h.api(
      "PATCH",
      `/sessions/${id}`,
      { glossary: [{ source: "Dashwood", targets: {} }] },
      h.ownerToken,
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.vocabulary).toEqual({ name, state: "READY" });
    expect(stored(name)?.words.map((w) => w.word)).toEqual(["Dashwood"]);

    const ended = await h.api("DELETE", `/sessions/${id}`, undefined, h.ownerToken);
    expect(ended.status, ended.text).toBe(200);
    expect(stored(name)).toBeUndefined();
  });

  it("is deleted when the glossary loses its last usable term, and absent without a glossary", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      {
        title: "Plain",
        sourceLanguage: "en",
        targetLanguages: ["es"],
        glossary: [{ source: "Babelcast", targets: {} }],
      },
      h.ownerToken,
    );
    const id = created.json.id as string;
    const cleared = await h.api("PATCH", `/sessions/${id}`, { glossary: [] }, h.ownerToken);
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.json.vocabulary).toBeUndefined();
    expect(stored(`babelcast-${id}`)).toBeUndefined();
  });

  it("cleanup deletes old vocabularies of ended or unknown sessions, never a live session's or another tool's", async () => {
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const deps = createBackendDeps(embeddedRuntimeConfig(h.server.context), { log: quiet });
    const later = createBackendDeps(embeddedRuntimeConfig(h.server.context), {
      log: quiet,
      now: () => Date.now() + DEFAULT_CLEANUP_POLICY.orphanTerminologyAgeMs + 60_000,
    });
    try {
      const created = await h.api(
        "POST",
        "/sessions",
        {
          title: "Live",
          sourceLanguage: "en",
          targetLanguages: ["es"],
          glossary: [{ source: "Babelcast", targets: {} }],
        },
        h.ownerToken,
      );
      const live = `babelcast-${created.json.id}`;
      const orphan = "babelcast-gone-session-999";
      const foreign = "othertool-gone-session-999";
      for (const name of [orphan, foreign, ...Array.from({ length: 6 }, (_, i) => `babelcast-paging-${i}`)])
        await deps.clients.transcribe.send(
          new CreateVocabularyCommand({ VocabularyName: name, LanguageCode: "en-US", Phrases: ["Babelcast"] }),
        );
      // ListVocabularies pages (MaxResults up to 100, NextToken) and filters by name as AWS does.
      const first = await deps.clients.transcribe.send(new ListVocabulariesCommand({ MaxResults: 2 }));
      expect(first.Vocabularies).toHaveLength(2);
      expect(first.NextToken).toBeTruthy();
      const ours = (await listVocabularies(deps.clients.transcribe, "babelcast-")).map((v) => v.name);
      expect(ours).toContain("babelcast-paging-5");
      expect(ours).toContain(orphan);
      expect(ours).not.toContain(foreign);

      const keepSessions = { ...DEFAULT_CLEANUP_POLICY, idleMs: 1e12, maxAgeMs: 1e12 };
      expect((await cleanupStaleSessions(deps, keepSessions)).vocabulariesDeleted).toEqual([]);
      const result = await cleanupStaleSessions(later, keepSessions);
      expect(result.vocabulariesDeleted).toContain(orphan);
      expect(stored(orphan)).toBeUndefined();
      expect(stored(live)).toBeDefined();
      expect(stored(foreign)).toBeDefined();
    } finally {
      deps.close();
      later.close();
    }
  });
});
