import { createHttpApiHandler } from "@babelcast/backend/handlers/http/httpApi.js";
import type { HttpEvent } from "@babelcast/backend/handlers/http/httpRequest.js";
import { createBackendDeps } from "@babelcast/backend/handlers/shared/backendDeps.js";
import { JoinResponse, SessionOwnerView } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { embeddedRuntimeConfig } from "../../src/gateway/embeddedRuntime.js";
import { type Harness, openListener, openSocket, startHarness, type TestSocket, wsUrl } from "./harness.js";

/**
 * Issue #20.5: the presenter changes the source language mid-session (PATCH sourceLanguage).
 * On the embedded home as it is, the offline recognizer hears English only, so a switch is
 * refused up front and nothing changes. The mechanics (targets adjusted, listeners told,
 * segments translated from the language they were spoken in) run on the same embedded
 * services with the owner function configured as in the cloud, where the recognizer
 * (Transcribe) hears Spanish too.
 */

/** The first translation starts Apertium, slow on a busy machine: tests wait for outcomes, not a deadline. */
vi.setConfig({ testTimeout: 180_000 });

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { sessionsPerOwnerPerHour: 1000, countsDebounceMs: 20 } });
});
afterAll(async () => {
  await h?.stop();
});

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function createSession(targets: string[]): Promise<string> {
  const created = await h.api(
    "POST",
    "/sessions",
    { title: "Switch", sourceLanguage: "en", targetLanguages: targets },
    h.ownerToken,
  );
  expect(created.status, created.text).toBe(201);
  return SessionOwnerView.parse(created.json).id;
}

async function listen(id: string, language: string) {
  const join = JoinResponse.parse((await h.api("POST", `/sessions/${id}/listeners`, { language })).json);
  return openListener(h.server.context.config, id, join.listenerToken, language);
}

function sendSegment(consoleWs: TestSocket, seq: number, text: string, sourceLanguage: string): void {
  const now = Date.now();
  consoleWs.send({
    action: "segment",
    seq,
    text,
    startTime: seq,
    endTime: seq + 0.5,
    sourceLanguage,
    stages: { committedAt: now, sentAt: now },
  });
}

describe("source language change on the embedded home (recognizer: English only)", () => {
  it("refuses switching to Spanish with 400 LanguageUnavailable naming the recognizer, and changes nothing", async () => {
    const id = await createSession(["es"]);
    const listener = await listen(id, "es");
    try {
      const res = await h.api("PATCH", `/sessions/${id}`, { sourceLanguage: "es" }, h.ownerToken);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("LanguageUnavailable");
      expect(res.json.error.message).toContain(
        "Spanish: no speech recognition for Spanish in this home (embedded pocketsphinx recognizes en)",
      );
      const after = SessionOwnerView.parse((await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken)).json);
      expect(after).toMatchObject({ sourceLanguage: "en", targetLanguages: ["es"] });
      // Recognition goes on in English: the next caption reaches the listener, and no notice came before it.
      const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
      sendSegment(consoleWs, 0, "The weather is good.", "en");
      await listener.next("caption", 60_000, (m) => m.seq === 0);
      expect(listener.messages.map((m) => m.type)).not.toContain("source-language");
      await consoleWs.close();
    } finally {
      await listener.close();
    }
  });

  it("refuses a PATCH whose targets name the new source, and changes nothing", async () => {
    const id = await createSession(["es"]);
    const res = await h.api(
      "PATCH",
      `/sessions/${id}`,
      { sourceLanguage: "es", targetLanguages: ["es"] },
      h.ownerToken,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/must not include the new source language es/);
    const after = (await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken)).json;
    expect(after).toMatchObject({ sourceLanguage: "en", targetLanguages: ["es"] });
  });
});

describe("source language change where the recognizer hears Spanish (cloud rules on the embedded services)", () => {
  /** The owner function as the cloud configures it: Transcribe hears English and Spanish. */
  function patch(id: string, body: unknown) {
    const deps = createBackendDeps(
      { ...embeddedRuntimeConfig(h.server.context), recognizerLanguages: ["en", "es"] },
      {
        log: quiet,
      },
    );
    const event = {
      routeKey: "PATCH /sessions/{id}",
      rawPath: `/sessions/${id}`,
      pathParameters: { id },
      headers: { authorization: `Bearer ${h.ownerToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: { http: { method: "PATCH", path: `/sessions/${id}` } },
    } as unknown as HttpEvent;
    return createHttpApiHandler(deps)(event);
  }

  it("moves the old source to the targets while listeners are on it, tells every listener and the console, and translates each segment from the language it was spoken in", async () => {
    const id = await createSession(["es"]);
    const consoleWs = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const english = await listen(id, "en");
    const spanish = await listen(id, "es");
    try {
      await consoleWs.next("listener-counts", 60_000, (m) => m.byLanguage.en === 1 && m.byLanguage.es === 1);

      const res = await patch(id, { sourceLanguage: "es" });
      expect(res.statusCode, String(res.body)).toBe(200);
      expect(SessionOwnerView.parse(JSON.parse(String(res.body)))).toMatchObject({
        sourceLanguage: "es",
        targetLanguages: ["en"],
      });

      const notice = { type: "source-language", sourceLanguage: "es", previousLanguage: "en", targetLanguages: ["en"] };
      expect(await english.next("source-language", 60_000)).toEqual(notice);
      expect(await spanish.next("source-language", 60_000)).toEqual(notice);
      expect(await consoleWs.next("source-language", 60_000)).toEqual(notice);

      // The segment in flight when the presenter switched was spoken in English.
      sendSegment(consoleWs, 0, "The weather is good.", "en");
      const inFlightEn = await english.next("caption", 60_000, (m) => m.seq === 0);
      const inFlightEs = await spanish.next("caption", 60_000, (m) => m.seq === 0);
      expect(inFlightEn.text).toBe("The weather is good.");
      expect(inFlightEs.text).not.toBe("The weather is good.");
      expect(inFlightEs.text.length).toBeGreaterThan(0);

      // From now on the presenter speaks Spanish: the English listener gets a translation.
      sendSegment(consoleWs, 1, "El tiempo es bueno.", "es");
      const nextEs = await spanish.next("caption", 60_000, (m) => m.seq === 1);
      const nextEn = await english.next("caption", 60_000, (m) => m.seq === 1);
      expect(nextEs.text).toBe("El tiempo es bueno.");
      expect(nextEn.text).not.toBe("El tiempo es bueno.");
      expect(nextEn.text.toLowerCase()).toContain("good");

      // The transcript in each language follows the same rule.
      const transcript = await h.api("GET", `/sessions/${id}/transcript?lang=es`, undefined, h.ownerToken);
      expect(transcript.text).toContain("El tiempo es bueno.");
      expect(transcript.text).toContain(inFlightEs.text);
    } finally {
      await english.close();
      await spanish.close();
      await consoleWs.close();
    }
  });

  it("writes a source change only while the session still has the source it was read with (two consoles cannot both switch)", async () => {
    const id = await createSession(["es"]);
    const deps = createBackendDeps(embeddedRuntimeConfig(h.server.context), { log: quiet });
    // Another console switched to French since this one read the session: the write is refused.
    const stale = await deps.stores.sessions.update(id, { sourceLanguage: "es", targetLanguages: ["en"] }, false, {
      sourceLanguage: "fr",
    });
    expect(stale).toBeUndefined();
    const fresh = await deps.stores.sessions.update(id, { title: "Renamed" }, false, { sourceLanguage: "en" });
    expect(fresh).toMatchObject({ sourceLanguage: "en", targetLanguages: ["es"], title: "Renamed" });
  });

  it("leaves the old source out of the targets when nobody listens to it", async () => {
    const id = await createSession(["es", "fr"]);
    const res = await patch(id, { sourceLanguage: "es" });
    expect(res.statusCode, String(res.body)).toBe(200);
    expect(JSON.parse(String(res.body))).toMatchObject({ sourceLanguage: "es", targetLanguages: ["fr"] });
  });

  it("refuses a switch to Spanish with a German target (no engine translates Spanish to German here), and changes nothing", async () => {
    const id = await createSession(["fr"]);
    const res = await patch(id, { sourceLanguage: "es", targetLanguages: ["fr", "de"] });
    expect(res.statusCode).toBe(400);
    const error = JSON.parse(String(res.body)).error;
    expect(error.code).toBe("LanguageUnavailable");
    expect(error.message).toContain("German: no translation engine from Spanish to German");
    const after = (await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken)).json;
    expect(after).toMatchObject({ sourceLanguage: "en", targetLanguages: ["fr"] });
  });
});
