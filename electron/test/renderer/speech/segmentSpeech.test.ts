import { describe, expect, it } from "vitest";
import { LagController } from "../../../src/renderer/speech/lagController.js";
import type { SpeechVoice } from "../../../src/renderer/speech/pollySynthesizer.js";
import { SegmentSpeech } from "../../../src/renderer/speech/segmentSpeech.js";

const voice: SpeechVoice = { voiceId: "Lupe", engine: "neural" };

/** A synthesizer whose calls finish when the test says so: 1 s of audio per call. */
function controllableSynthesizer() {
  const calls: { text: string; rate: number; finish: () => void; fail: (e: Error) => void }[] = [];
  const synthesize = (text: string, _voice: SpeechVoice, rate: number) =>
    new Promise<Float32Array>((resolve, reject) => {
      calls.push({ text, rate, finish: () => resolve(new Float32Array(16_000)), fail: reject });
    });
  return { calls, synthesize };
}

function setUp(lag = new LagController()) {
  const synth = controllableSynthesizer();
  const played: string[] = [];
  const failed: string[] = [];
  const synthesized: number[] = [];
  const speech = new SegmentSpeech(
    synth.synthesize,
    lag,
    {
      play: (seq, language, samples, rate) => played.push(`${language}:${seq}:${samples.length / rate}s`),
      onSynthesized: (seq) => synthesized.push(seq),
      onFailed: (seq, language, message) => failed.push(`${language}:${seq}:${message}`),
    },
    () => 10_000,
  );
  const request = (segmentSeq: number, language = "es") => ({
    segmentSeq,
    language,
    text: `segmento ${segmentSeq}`,
    voice,
    sourceEndMs: 9_500,
  });
  return { speech, synth, played, failed, synthesized, request };
}

describe("console speech of translated segments", () => {
  it("synthesizes segments side by side but plays them in the order they arrived", async () => {
    const { speech, synth, played, request } = setUp();
    speech.speak(request(0));
    speech.speak(request(1));
    expect(synth.calls.map((c) => c.text)).toEqual(["segmento 0", "segmento 1"]);
    synth.calls[1]?.finish();
    await new Promise((r) => setTimeout(r, 0));
    expect(played).toEqual([]); // 1 is ready, but 0 still synthesizes
    synth.calls[0]?.finish();
    await speech.settled();
    expect(played).toEqual(["es:0:1s", "es:1:1s"]);
  });

  it("keeps each language's order to itself", async () => {
    const { speech, synth, played, request } = setUp();
    speech.speak(request(0, "es"));
    speech.speak(request(0, "fr"));
    synth.calls[1]?.finish();
    await new Promise((r) => setTimeout(r, 0));
    expect(played).toEqual(["fr:0:1s"]);
    synth.calls[0]?.finish();
    await speech.settled();
  });

  it("speaks a segment once, and not at all when the server already sent its speech", async () => {
    const { speech, synth, request } = setUp();
    expect(speech.speak(request(0))).toBe(true);
    expect(speech.speak(request(0))).toBe(false);
    expect(speech.spokenByServer(1, "es")).toBe(true);
    expect(speech.speak(request(1))).toBe(false);
    expect(synth.calls).toHaveLength(1);
  });

  it("asks for a faster voice when the language's speech falls behind the presenter", () => {
    const { speech, synth, request } = setUp();
    speech.speak(request(0));
    expect(synth.calls[0]?.rate).toBe(1);
    // Ten long translations queued at once: the later ones must be spoken faster.
    for (let seq = 1; seq <= 10; seq++) speech.speak({ ...request(seq), text: "x".repeat(140) });
    expect(synth.calls.at(-1)?.rate).toBeGreaterThan(1);
  });

  it("reports a failed synthesis, releases its share of the lag, and plays the next one", async () => {
    const lag = new LagController();
    const { speech, synth, played, failed, request } = setUp(lag);
    speech.speak(request(0));
    speech.speak(request(1));
    synth.calls[0]?.fail(new Error("ThrottlingException"));
    synth.calls[1]?.finish();
    await speech.settled();
    expect(failed).toEqual(["es:0:ThrottlingException"]);
    expect(played).toEqual(["es:1:1s"]);
    // Only segment 1's second of speech remains queued.
    expect(lag.queuedMs("es", 10_000)).toBe(1000);
  });
});
