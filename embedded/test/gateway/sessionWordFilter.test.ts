import { CreateVocabularyFilterCommand } from "@aws-sdk/client-transcribe";
import { cleanupStaleSessions, DEFAULT_CLEANUP_POLICY } from "@babelcast/backend/handlers/cleanup.js";
import { createBackendDeps } from "@babelcast/backend/handlers/shared/backendDeps.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedRuntimeConfig } from "../../src/gateway/embeddedRuntime.js";
import { vocabularyFiltersFor } from "../../src/transcribe/vocabularyStore.js";
import { type Harness, openListener, openSocket, startHarness, wsUrl } from "./harness.js";

/**
 * The session's word filter in the embedded home's code path: the owner function keeps it as a
 * Transcribe vocabulary filter (the console names it on its streams), and the backend filters
 * the console's text, partials and every translation before listeners get them.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { countsDebounceMs: 20 } });
});
afterAll(async () => {
  await h?.stop();
});

const stored = (name: string) => vocabularyFiltersFor(h.server.context).get(name);

describe("session word filter", { timeout: 180_000 }, () => {
  it("is a Transcribe vocabulary filter made with the session, following its words, gone when it ends", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      {
        title: "Filtered",
        sourceLanguage: "en",
        targetLanguages: ["es"],
        wordFilter: { method: "mask", words: ["Darn", "heck", "r2d2"] },
      },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const name = `babelcast-${id}`;
    expect(created.json.vocabularyFilter).toEqual({ name, method: "mask" });
    // Digits are outside Transcribe's English character set: the backend alone filters "r2d2".
    expect(stored(name)?.words.map((w) => w.word)).toEqual(["darn", "heck"]);
    // Listeners see neither the words nor the filter.
    const pub = await h.api("GET", `/sessions/${id}`);
    expect(pub.json.wordFilter).toBeUndefined();
    expect(pub.json.vocabularyFilter).toBeUndefined();

    const changed = await h.api(
      "PATCH",
      `/sessions/${id}`,
      { wordFilter: { method: "remove", words: ["shoot"] } },
      h.ownerToken,
    );
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.vocabularyFilter).toEqual({ name, method: "remove" });
    expect(stored(name)?.words.map((w) => w.word)).toEqual(["shoot"]);

    const refused = await h.api("PATCH", `/sessions/${id}`, { wordFilter: { words: ["two words"] } }, h.ownerToken);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/one word per entry/);
    expect(stored(name)?.words.map((w) => w.word)).toEqual(["shoot"]);

    const cleared = await h.api("PATCH", `/sessions/${id}`, { wordFilter: { words: [] } }, h.ownerToken);
    expect(cleared.json.vocabularyFilter).toBeUndefined();
    expect(stored(name)).toBeUndefined();

    await h.api("PATCH", `/sessions/${id}`, { wordFilter: { words: ["darn"] } }, h.ownerToken);
    expect(stored(name)).toBeDefined();
    const ended = await h.api("DELETE", `/sessions/${id}`, undefined, h.ownerToken);
    expect(ended.status, ended.text).toBe(200);
    expect(stored(name)).toBeUndefined();
  });

  it("masks listed words in the source caption, the partials and each translation before listeners get them", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      {
        title: "Masked",
        sourceLanguage: "en",
        targetLanguages: ["es"],
        wordFilter: { method: "mask", words: ["darn"], targets: { es: ["casa"] } },
      },
      h.ownerToken,
    );
    const id = created.json.id as string;
    const consoleSocket = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const join = async (language: string) => {
      const j = await h.api("POST", `/sessions/${id}/listeners`, { language });
      expect(j.status, j.text).toBe(200);
      return openListener(h.server.context.config, id, j.json.listenerToken, language);
    };
    const [en, es] = await Promise.all([join("en"), join("es")]);
    await consoleSocket.next("listener-counts", 10_000, (m) => m.total === 2);

    consoleSocket.send({ action: "partial", text: "the Darn" });
    const now = Date.now();
    consoleSocket.send({
      action: "segment",
      seq: 0,
      text: "The darn house is big.",
      startTime: 0,
      endTime: 1.5,
      stages: { committedAt: now, sentAt: now, spokenEndAt: now - 200 },
    });

    expect((await en.next("partial", 30_000)).text).toBe("the ***");
    expect((await en.next("caption", 60_000, (c) => c.segmentSeq === 0)).text).toBe("The *** house is big.");
    // Spanish is filtered with its own list: "casa" never reaches a Spanish listener.
    const esText = (await es.next("caption", 60_000, (c) => c.segmentSeq === 0)).text as string;
    expect(esText).toContain("***");
    expect(esText.toLowerCase().split(/[^\p{L}*]+/u)).not.toContain("casa");
    const transcript = await h.api("GET", `/sessions/${id}/transcript?format=txt`, undefined, h.ownerToken);
    expect(transcript.text).not.toMatch(/darn/i);
    await Promise.all([en.close(), es.close(), consoleSocket.close()]);
  });

  it("cleanup deletes old filters of ended or unknown sessions, never a live session's or another tool's", async () => {
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
        { title: "Live", sourceLanguage: "en", targetLanguages: ["es"], wordFilter: { words: ["darn"] } },
        h.ownerToken,
      );
      const live = `babelcast-${created.json.id}`;
      const orphan = "babelcast-gone-session-998";
      const foreign = "othertool-gone-session-998";
      for (const name of [orphan, foreign])
        await deps.clients.transcribe.send(
          new CreateVocabularyFilterCommand({ VocabularyFilterName: name, LanguageCode: "en-US", Words: ["darn"] }),
        );
      const keepSessions = { ...DEFAULT_CLEANUP_POLICY, idleMs: 1e12, maxAgeMs: 1e12 };
      expect((await cleanupStaleSessions(deps, keepSessions)).vocabularyFiltersDeleted).toEqual([]);
      const result = await cleanupStaleSessions(later, keepSessions);
      expect(result.vocabularyFiltersDeleted).toEqual([orphan]);
      expect(stored(orphan)).toBeUndefined();
      expect(stored(live)).toBeDefined();
      expect(stored(foreign)).toBeDefined();
    } finally {
      deps.close();
      later.close();
    }
  });
});
