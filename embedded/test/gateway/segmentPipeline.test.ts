import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, openListener, openSocket, startHarness, wsUrl } from "./harness.js";

/**
 * The segment route with the segment journey wired in: a console segment reaches each
 * language's listeners as a caption in that language, and the console receives each listened-to
 * language's text to synthesize (speech never travels through the WebSocket API).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sessions: { countsDebounceMs: 20 } });
});
afterAll(async () => {
  await h?.stop();
});

function apertium(mode: string, text: string): string {
  // apertium reads a file or a shell pipe (not node's stdin pipe): give it a pipe through bash.
  return execFileSync("bash", ["-c", `printf '%s\\n' "$1" | apertium -u ${mode}`, "_", text], {
    encoding: "utf8",
  }).trim();
}

describe("segment → translation pipeline → listeners and console", () => {
  it("captions every listening language in order and sends the console the text of each to speak", async () => {
    const created = await h.api(
      "POST",
      "/sessions",
      { title: "Pipeline", sourceLanguage: "en", targetLanguages: ["es", "fr"] },
      h.ownerToken,
    );
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const consoleSocket = await openSocket(wsUrl(h, { role: "console", sessionId: id, token: h.ownerToken }));
    const join = async (language: string) => {
      const j = await h.api("POST", `/sessions/${id}/listeners`, { language });
      expect(j.status, j.text).toBe(200);
      return openListener(h.server.context.config, id, j.json.listenerToken, language);
    };
    const [en, es] = await Promise.all([join("en"), join("es")]);
    // Nobody listens in French: it must not be translated or synthesized.
    await consoleSocket.next("listener-counts", 10_000, (m) => m.total === 2);

    const texts = ["The house is big.", "We walk to the church every morning."];
    const now = Date.now();
    texts.forEach((text, seq) => {
      consoleSocket.send({
        action: "segment",
        seq,
        text,
        startTime: seq * 2,
        endTime: seq * 2 + 1.5,
        stages: { committedAt: now, sentAt: now, spokenEndAt: now - 200 },
      });
    });

    const esCaptions = [
      await es.next("caption", 60_000, (c) => c.segmentSeq === 0),
      await es.next("caption", 60_000, (c) => c.segmentSeq === 1),
    ];
    expect(esCaptions.map((c) => c.text)).toEqual(texts.map((t) => apertium("eng-spa", t)));
    expect(esCaptions.map((c) => c.language)).toEqual(["es", "es"]);
    // A caption's seq is the console's segment number, in every language.
    expect(esCaptions.map((c) => c.seq)).toEqual([0, 1]);
    const enCaption = await en.next("caption", 60_000, (c) => c.segmentSeq === 1);
    expect(enCaption.text).toBe(texts[1]);
    expect(en.messages.filter((m) => m.type === "caption" && m.language !== "en")).toEqual([]);

    // The text to speak, for Spanish (and the English progress); nothing for French, which nobody hears.
    const progress = await consoleSocket.next(
      "segment-progress",
      60_000,
      (p) => p.language === "es" && p.segmentSeq === 1,
    );
    expect(progress.text).toBe(esCaptions[1]!.text);
    expect(progress.stages.translatedAt).toBeGreaterThan(0);
    expect(consoleSocket.messages.some((m) => m.type === "segment-progress" && m.language === "fr")).toBe(false);
    // Text frames only: no speech bytes through API Gateway.
    expect(consoleSocket.binary).toEqual([]);

    const transcript = await h.api("GET", `/sessions/${id}/transcript?lang=es&format=txt`, undefined, h.ownerToken);
    expect(transcript.text).toContain(apertium("eng-spa", texts[0]!));
    await Promise.all([en.close(), es.close(), consoleSocket.close()]);
  });
});
