import type { Result } from "@aws-sdk/client-transcribe-streaming";
import { describe, expect, it } from "vitest";
import { RecognitionSession } from "../../../src/renderer/recognition/recognitionSession.js";
import { Segmenter } from "../../../src/renderer/recognition/segmenter.js";
import type { TimedResult } from "../../../src/renderer/recognition/timedResult.js";
import type { TranscriptStreamStarter } from "../../../src/renderer/recognition/transcribeClient.js";

const RATE = 16000;
const CHUNK = RATE / 10;
/** The talk: word i is spoken from 0.3 + 0.5 i to 0.3 + 0.5 i + 0.3 seconds of session audio. */
const SCRIPT = Array.from({ length: 30 }, (_, i) => ({ word: `w${i}`, start: 0.3 + 0.5 * i, end: 0.6 + 0.5 * i }));

/**
 * A stand-in recognizer. Every audio chunk of the test carries its session chunk number in
 * its samples (silence is 0), so the fake knows what it hears; it reports each word it heard
 * completely as a final result, with times relative to the start of its own stream, as
 * Transcribe does.
 */
function fakeTranscribe(
  failAfterChunks?: Map<number, number>,
  lagSeconds = 0,
): { start: TranscriptStreamStarter; streams: number } {
  const state = { streams: 0 };
  const start: TranscriptStreamStarter = async (audio) => {
    const streamNo = ++state.streams;
    const failAt = failAfterChunks?.get(streamNo);
    return (async function* () {
      let heard = 0; // samples into this stream
      let firstSessionTime: number | undefined;
      let lastSessionEnd = Number.NEGATIVE_INFINITY;
      let emitted = -1;
      let chunks = 0;
      for await (const bytes of audio) {
        const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
        const chunkNo = pcm[0] ?? 0;
        if (chunkNo > 0) {
          const sessionStart = (chunkNo - 1) / 10;
          if (firstSessionTime === undefined) firstSessionTime = sessionStart - heard / RATE;
          lastSessionEnd = sessionStart + pcm.length / RATE;
        }
        heard += pcm.length;
        chunks++;
        if (failAt !== undefined && chunks >= failAt)
          throw Object.assign(new Error("socket lost"), { name: "NetworkError" });
        const results: Result[] = [];
        for (let i = emitted + 1; i < SCRIPT.length; i++) {
          const w = SCRIPT[i]!;
          if (firstSessionTime === undefined || w.start < firstSessionTime) {
            emitted = i;
            continue;
          }
          // A recognizer behind real time reports a word only once it has heard well past it.
          if (w.end + lagSeconds > lastSessionEnd) break;
          emitted = i;
          // Recognizers disagree a little on where words start and end.
          const jitter = 0.03 * (streamNo - 1);
          const s = w.start - firstSessionTime + jitter;
          const e = w.end - firstSessionTime + jitter;
          results.push({
            ResultId: `s${streamNo}-${i}`,
            IsPartial: false,
            Alternatives: [
              {
                Transcript: w.word,
                Items: [{ Type: "pronunciation", Content: w.word, StartTime: s, EndTime: e, Stable: true }],
              },
            ],
          });
        }
        if (results.length > 0) yield results;
      }
    })();
  };
  return {
    start,
    get streams() {
      return state.streams;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function talk(session: RecognitionSession, seconds: number, at: (chunkNo: number) => void = () => {}) {
  for (let n = 1; n <= seconds * 10; n++) {
    session.push(new Int16Array(CHUNK).fill(n));
    at(n);
    await tick();
  }
}

function collect() {
  const results: TimedResult[] = [];
  const delivered = () => results.flatMap((r) => r.items.map((i) => i.content));
  const segmenter = new Segmenter({ maxWords: 3 });
  const committed: string[] = [];
  return {
    results,
    delivered,
    committed,
    onResult(r: TimedResult) {
      results.push(r);
      for (const e of segmenter.accept(r))
        if (e.kind === "segment") committed.push(...e.segment.words.map((w) => w.text));
    },
  };
}

describe("recognition session across stream renewals", () => {
  it("hands over to a new stream without losing or repeating words", async () => {
    const fake = fakeTranscribe();
    const out = collect();
    const session = new RecognitionSession({ start: fake.start, overlapSeconds: 2, onResult: out.onResult });
    session.start();
    await talk(session, 15, (n) => {
      if (n === 52 || n === 101) session.renew("forced");
    });
    await session.stop();
    expect(fake.streams).toBe(3);
    expect(out.delivered()).toEqual(SCRIPT.slice(0, 29).map((w) => w.word));
    expect(out.committed).toEqual(SCRIPT.slice(0, 29).map((w) => w.word));
  });

  it("renews on its own once a stream is due, at a pause", async () => {
    const fake = fakeTranscribe();
    const out = collect();
    const session = new RecognitionSession({
      start: fake.start,
      renewAfterSeconds: 4,
      pauseSeconds: 0.4,
      onResult: out.onResult,
    });
    session.start();
    await talk(session, 15);
    await session.stop();
    expect(fake.streams).toBeGreaterThanOrEqual(3);
    expect(out.delivered()).toEqual(SCRIPT.slice(0, 29).map((w) => w.word));
    expect(out.committed).toEqual(SCRIPT.slice(0, 29).map((w) => w.word));
  });

  it("re-hears what a lagging stream had not settled when it was replaced", async () => {
    const fake = fakeTranscribe(undefined, 2);
    const out = collect();
    const session = new RecognitionSession({ start: fake.start, onResult: out.onResult });
    session.start();
    await talk(session, 15, (n) => {
      if (n === 60) session.renew("forced");
    });
    await session.stop();
    expect(fake.streams).toBe(2);
    // All but the words still inside the lag when the session stopped.
    expect(out.delivered()).toEqual(SCRIPT.slice(0, 25).map((w) => w.word));
  });

  it("resumes after a network error from the last settled word, hearing the kept audio again", async () => {
    const fake = fakeTranscribe(new Map([[1, 44]]));
    const out = collect();
    const events: string[] = [];
    const session = new RecognitionSession({
      start: fake.start,
      retryDelayMs: 1,
      onResult: out.onResult,
      onEvent: (e) => events.push(e.kind),
    });
    session.start();
    await talk(session, 15);
    await session.stop();
    expect(events).toContain("stream-failed");
    expect(fake.streams).toBe(2);
    expect(out.delivered()).toEqual(SCRIPT.slice(0, 29).map((w) => w.word));
    expect(out.committed).toEqual(SCRIPT.slice(0, 29).map((w) => w.word));
  });
});
