import { execFileSync } from "node:child_process";
import { decodeSpeechFrame } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, openSocket, startHarness, wsUrl } from "./harness.js";

/**
 * The segment route with the translation pipeline wired in: a console segment reaches each
 * language's listeners as a caption in that language, and the console receives the speech.
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
  it("captions every listening language in order and sends speech frames to the console", async () => {
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
      return openSocket(wsUrl(h, { role: "listener", sessionId: id, token: j.json.listenerToken }));
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
    expect(esCaptions[1]!.seq).toBeGreaterThan(esCaptions[0]!.seq);
    const enCaption = await en.next("caption", 60_000, (c) => c.segmentSeq === 1);
    expect(enCaption.text).toBe(texts[1]);
    expect(en.messages.filter((m) => m.type === "caption" && m.language !== "en")).toEqual([]);

    // Speech for Spanish only (French has no listener; English is the presenter's own voice).
    const deadline = Date.now() + 60_000;
    while (consoleSocket.binary.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const frames = consoleSocket.binary.map((b) => decodeSpeechFrame(new Uint8Array(b)));
    expect(frames.map((f) => f.language)).toEqual(["es", "es"]);
    expect(frames.every((f) => f.audio.byteLength > 1000)).toBe(true);

    const progress = await consoleSocket.next(
      "segment-progress",
      60_000,
      (p) => p.language === "es" && p.segmentSeq === 1,
    );
    expect(progress.stages.translatedAt).toBeGreaterThan(0);

    const transcript = await h.api("GET", `/sessions/${id}/transcript?lang=es&format=txt`, undefined, h.ownerToken);
    expect(transcript.text).toContain(apertium("eng-spa", texts[0]!));
    await Promise.all([en.close(), es.close(), consoleSocket.close()]);
  });
});
