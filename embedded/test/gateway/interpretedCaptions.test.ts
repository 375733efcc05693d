import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, openListener, openSocket, startHarness, wsUrl } from "./harness.js";

/**
 * Captions from an interpreter's recognized speech, through the real gateway, Lambda runtime,
 * tables and caption channels: the console declares a language interpreted, posts the
 * interpreter's segments in it as the console's recognizer would, and the floor segments stop
 * being machine-translated into it until the console declares it no longer interpreted.
 * (The offline recognizer is English-only, so no offline session has an interpreter language
 * it can recognize: the console's second recognition stream is not exercised here.)
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { countsDebounceMs: 20 } });
});
afterAll(async () => {
  await h?.stop();
});

describe("interpreted captions", () => {
  it("captions an interpreted language from the interpreter's segments and resumes machine translation when it ends", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Interpreted", sourceLanguage: "en", targetLanguages: ["es"] },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const consoleSocket = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const j = await h.api("POST", `/sessions/${id}/listeners`, { language: "es" });
    expect(j.status, j.text).toBe(200);
    const es = await openListener(h.server.context.config, id, j.json.listenerToken, "es");
    await consoleSocket.next("listener-counts", 10_000, (m) => m.total === 1);
    const send = (seq: number, text: string, extra: Record<string, unknown> = {}) => {
      const now = Date.now();
      consoleSocket.send({
        action: "segment",
        seq,
        text,
        startTime: seq * 2,
        endTime: seq * 2 + 1.5,
        ...extra,
        stages: { committedAt: now, sentAt: now },
      });
    };

    // Before anything is declared interpreted, an interpreter's segment is refused and stored nowhere.
    send(0, "Hola a todos.", { captionLanguage: "es" });
    const refused = await consoleSocket.next("error", 10_000);
    expect(refused.message).toMatch(/not interpreted now/);

    // The interpreter is on air and recognized: Spanish captions are theirs.
    consoleSocket.send({ action: "status", status: "live", muted: false, interpretedCaptions: ["es"] });
    await consoleSocket.next("session-status", 10_000, (m) => m.status === "live");
    send(1, "The house is big.");
    send(2, "Buenos días a todos.", { captionLanguage: "es" });
    const interpreted = await es.next("caption", 60_000, (c) => c.segmentSeq === 2);
    expect(interpreted.text).toBe("Buenos días a todos.");
    // The floor segment before it was not translated into Spanish meanwhile (nobody listens in
    // English, so it went nowhere).
    expect(es.messages.some((m) => m.type === "caption" && m.segmentSeq === 1)).toBe(false);
    expect(consoleSocket.messages.some((m) => m.type === "segment-progress" && m.segmentSeq === 1)).toBe(false);

    // The interpreter drops: the next floor segment is machine-translated into Spanish again.
    consoleSocket.send({ action: "status", status: "live", muted: false, interpretedCaptions: [] });
    // Each WebSocket message is its own invocation: wait for this status's echo (the second) before the next segment.
    await expect
      .poll(() => consoleSocket.messages.filter((m) => m.type === "session-status").length, { timeout: 30_000 })
      .toBe(2);
    send(3, "We walk to the church every morning.");
    const translated = await es.next("caption", 60_000, (c) => c.segmentSeq === 3);
    expect(translated.text.length).toBeGreaterThan(0);
    expect(translated.text).not.toBe("We walk to the church every morning.");

    // The Spanish transcript holds the interpreter's words and the translation, not segment 1.
    const transcript = await h.api("GET", `/sessions/${id}/transcript?lang=es&format=txt`, undefined, h.ownerToken);
    expect(transcript.text).toBe(`Buenos días a todos.\n${translated.text}\n`);
    // The English transcript is the presenter's words only.
    const english = await h.api("GET", `/sessions/${id}/transcript?lang=en&format=txt`, undefined, h.ownerToken);
    expect(english.text).toBe("The house is big.\nWe walk to the church every morning.\n");
    await es.close();
    await consoleSocket.close();
  }, 180_000);

  it("refuses to declare a language interpreted that the session does not offer, and changes nothing", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Interpreted", sourceLanguage: "en", targetLanguages: ["es"] },
      h.ownerToken,
    );
    const id = created.json.id as string;
    const consoleSocket = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    consoleSocket.send({ action: "status", status: "live", muted: false, interpretedCaptions: ["fr"] });
    const refused = await consoleSocket.next("error", 10_000);
    expect(refused.message).toMatch(/not target languages of this session: fr/);
    const session = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(session.json.status).not.toBe("live");
    await consoleSocket.close();
  }, 120_000);
});
