import { describe, expect, it, vi } from "vitest";
import {
  type RecognizerPace,
  RecognizerPool,
  type StreamRecognizer,
  startPocketsphinx,
} from "../../src/transcribe/pocketsphinxRecognizer.js";
import type { Hypothesis } from "../../src/transcribe/resultStabilizer.js";
import { loadLibrivoxClips } from "../support/librivoxClips.js";

const RATE = 16000;
const CHUNK_BYTES = 3200; // 100 ms
const GAP_SECONDS = 1.5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Three real clips with silence between them, and where each clip's speech lies on the stream's clock. */
function talk() {
  const clips = loadLibrivoxClips().slice(0, 3);
  const gap = Buffer.alloc(GAP_SECONDS * RATE * 2);
  const parts: Buffer[] = [gap];
  const spans: [number, number][] = [];
  let seconds = GAP_SECONDS;
  for (const clip of clips) {
    const length = clip.pcm.length / 2 / RATE;
    spans.push([seconds, seconds + length]);
    parts.push(clip.pcm, gap);
    seconds += length + GAP_SECONDS;
  }
  return { pcm: Buffer.concat(parts), spans, reference: clips.map((c) => c.reference).join(" "), seconds };
}

/** Writes the audio at the pace a microphone delivers it, 100 ms at a time. */
async function streamInRealTime(recognizer: StreamRecognizer, pcm: Buffer, during: (sentMs: number) => void) {
  const started = performance.now();
  for (let at = 0; at < pcm.length; at += CHUNK_BYTES) {
    recognizer.write(pcm.subarray(at, at + CHUNK_BYTES));
    const sentMs = ((at + CHUNK_BYTES) / 2 / RATE) * 1000;
    during(sentMs);
    await sleep(Math.max(0, started + sentMs - performance.now()));
  }
}

type PaceOrFinal = { kind: "pace"; pace: RecognizerPace } | { kind: "final"; hyp: Hypothesis };

/** Events that record the worker's search switches and finals in order, and its errors. */
function recordPacesAndFinals() {
  const events: PaceOrFinal[] = [];
  const errors: string[] = [];
  return {
    events,
    errors,
    handlers: {
      onHypothesis: (h: Hypothesis) => void (h.final && events.push({ kind: "final", hyp: h })),
      onError: (m: string) => void errors.push(m),
      onPace: (p: RecognizerPace) => void events.push({ kind: "pace", pace: p }),
    },
  };
}

/** Waits until the last search switch is back to the full search, then ends the stream. */
async function untilNormalThenFinish(recognizer: StreamRecognizer, events: PaceOrFinal[]): Promise<void> {
  await vi.waitFor(
    () =>
      expect(
        events.filter((e) => e.kind === "pace").at(-1),
        JSON.stringify(events.map((e) => (e.kind === "pace" ? e.pace : "final"))),
      ).toMatchObject({ pace: { mode: "normal" } }),
    { timeout: 60_000, interval: 200 },
  );
  await recognizer.finish();
  recognizer.close();
}

/**
 * The first thing reported is the switch to the lighter search, at least `behindSeconds` behind, before
 * any final (the backlog is not decoded at full cost), and the backlog's words still sit on the stream's clock.
 */
function expectBacklogDecodedByTheLighterSearch(
  events: PaceOrFinal[],
  spans: [number, number][],
  behindSeconds: number,
) {
  const first = events[0];
  expect(first?.kind).toBe("pace");
  if (first?.kind !== "pace") return;
  expect(first.pace.mode).toBe("catch-up");
  expect(first.pace.behindSeconds).toBeGreaterThanOrEqual(behindSeconds);
  const words = events.flatMap((e) => (e.kind === "final" ? e.hyp.words : []));
  expect(words.length).toBeGreaterThan(5);
  for (const w of words) {
    const inSpeech = spans.some(([from, to]) => w.start >= from - 0.3 && w.end <= to + 0.3);
    expect(inSpeech, `"${w.word}" at ${w.start}–${w.end} s (speech at ${JSON.stringify(spans)})`).toBe(true);
  }
}

describe("pocketsphinx worker catch-up", () => {
  it("after being starved of CPU it switches to the lighter search, keeps word times on the stream's clock, and returns to the full search once caught up", async () => {
    const { pcm, spans, reference, seconds } = talk();
    const finals: Hypothesis[] = [];
    const paces: RecognizerPace[] = [];
    const errors: string[] = [];
    const recognizer = startPocketsphinx(
      { python: "/usr/bin/python3", partialMs: 200 },
      {
        onHypothesis: (h) => void (h.final && finals.push(h)),
        onError: (m) => errors.push(m),
        onPace: (p) => paces.push(p),
      },
    );
    const pid = recognizer.pid;
    if (pid === undefined) throw new Error("the worker did not start");
    // The worker is stopped (as a starved CPU would leave it) for 4 s from just before the end of the first
    // clip, while the audio keeps arriving in real time. The search is chosen between utterances, so the stop
    // ends just before one: stopped mid-clip instead, a quiet machine decodes the backlog before the clip
    // ends and rightly never needs the lighter search (only a loaded one would, which made the test depend
    // on the machine's load).
    const stopAtMs = ((spans[0]?.[1] ?? 0) - 0.4) * 1000;
    let stopped = false;
    let resume: Promise<void> | undefined;
    await streamInRealTime(recognizer, pcm, (sentMs) => {
      if (!stopped && sentMs >= stopAtMs) {
        stopped = true;
        process.kill(pid, "SIGSTOP");
        resume = sleep(4000).then(() => void process.kill(pid, "SIGCONT"));
      }
    });
    await resume;
    // Once its input has run dry it is level with real time, and between utterances takes the full search again.
    await vi.waitFor(() => expect(paces.at(-1)?.mode).toBe("normal"), { timeout: 60_000, interval: 200 });
    await recognizer.finish();
    recognizer.close();

    expect(errors).toEqual([]);
    // Behind by about the 4 s it lost, it took the lighter search, and gave it up once caught up.
    const catchUp = paces.findIndex((p) => p.mode === "catch-up");
    expect(catchUp).toBeGreaterThanOrEqual(0);
    expect(paces[catchUp]?.behindSeconds).toBeGreaterThan(1);

    // Every recognized word sits inside a clip's speech on the stream's clock (quiet skipped or decoded by
    // the other search is added back), and words keep their order.
    const words = finals.flatMap((h) => h.words);
    expect(words.length).toBeGreaterThan(10);
    for (const w of words) {
      const inSpeech = spans.some(([from, to]) => w.start >= from - 0.3 && w.end <= to + 0.3);
      expect(inSpeech, `"${w.word}" at ${w.start}–${w.end} s (speech at ${JSON.stringify(spans)})`).toBe(true);
      expect(w.end).toBeLessThanOrEqual(seconds);
    }
    const starts = words.map((w) => w.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // And it still recognizes the talk: most reference words are heard.
    const heard = new Set(words.map((w) => w.word.toLowerCase()));
    const referenceWords = reference.toLowerCase().split(/\s+/);
    const share = referenceWords.filter((w) => heard.has(w)).length / referenceWords.length;
    expect(share).toBeGreaterThan(0.5);
  }, 120_000);

  it("counts audio queued while the worker starts as behind: a stream's first seconds are decoded by the lighter search, then the full search returns", async () => {
    const { pcm, spans } = talk();
    const { events, errors, handlers } = recordPacesAndFinals();
    const recognizer = startPocketsphinx({ python: "/usr/bin/python3", partialMs: 200 }, handlers);
    const pid = recognizer.pid;
    if (pid === undefined) throw new Error("the worker did not start");
    // Stopped from its start for 3 s (a slow model load on a starved CPU) while audio queues in real time.
    process.kill(pid, "SIGSTOP");
    const resume = sleep(3000).then(() => void process.kill(pid, "SIGCONT"));
    await streamInRealTime(recognizer, pcm, () => {});
    await resume;
    await untilNormalThenFinish(recognizer, events);

    expect(errors).toEqual([]);
    // Behind by at least the 3 s it was stopped.
    expectBacklogDecodedByTheLighterSearch(events, spans, 3);
  }, 120_000);

  it("a worker loaded ahead of its stream does not count the wait for the stream's first audio as behind, and no spare loads as a stream starts: the other spare stays, and the one taken is replaced after the refill delay", async () => {
    const pool = new RecognizerPool({ python: "/usr/bin/python3", partialMs: 200 }, true, 1500);
    try {
      pool.warm();
      const spare = pool.nextWorker;
      if (!spare) throw new Error("no spare after warm()");
      await pool.ready();
      const loaded = pool.spareWorkers.map((w) => w.child.pid);
      expect(loaded).toHaveLength(2);
      // Idle for 4 s, past both catch-up thresholds, before the stream opens.
      await sleep(4000);
      const paces: RecognizerPace[] = [];
      const errors: string[] = [];
      const recognizer = pool.start({
        onHypothesis: () => {},
        onError: (m) => errors.push(m),
        onPace: (p) => paces.push(p),
      });
      expect(recognizer.pid).toBe(spare.child.pid);
      // Nothing loads while the stream starts (the machine's busiest moment): the other loaded spare waits.
      expect(
        pool.spareWorkers.map((w) => w.child.pid),
        "a spare started loading as the stream started",
      ).toEqual(loaded.slice(1));
      // Quiet audio (cheap to decode even on a busy machine), then the end: closing the utterance picks the
      // search, and counted, the wait would put it 4 s behind there and switch it to catch-up.
      await streamInRealTime(recognizer, Buffer.alloc(2 * RATE * 2), () => {});
      await recognizer.finish();
      recognizer.close();
      expect(errors).toEqual([]);
      expect(paces, "the idle wait was counted as behind").toEqual([]);
      // The 2 s of audio streamed in real time outlasted the 1.5 s refill delay: two spares again.
      const refilled = pool.spareWorkers.map((w) => w.child.pid);
      expect(refilled).toHaveLength(2);
      expect(refilled[0]).toBe(loaded[1]);
      expect(refilled).not.toContain(spare.child.pid);
    } finally {
      pool.close();
    }
  }, 120_000);
  it("a stream that takes the last spare has the next one load at once (a quick reconnection does not wait for the refill delay)", async () => {
    const pool = new RecognizerPool({ python: "/usr/bin/python3", partialMs: 200 }, true, 60_000);
    const streams: StreamRecognizer[] = [];
    try {
      pool.warm();
      await pool.ready();
      const handlers = { onHypothesis: () => {}, onError: () => {} };
      streams.push(pool.start(handlers));
      expect(pool.spareWorkers).toHaveLength(1);
      const last = pool.nextWorker?.child.pid;
      streams.push(pool.start(handlers));
      expect(streams[1]?.pid).toBe(last);
      expect(pool.spareWorkers).toHaveLength(1);
      expect(pool.nextWorker?.child.pid).not.toBe(last);
      await pool.nextWorker?.ready();
    } finally {
      for (const s of streams) s.close();
      pool.close();
    }
  }, 60_000);
  it("counts a backlog the client sends at once (audio it captured while its stream connected) as behind: the lighter search decodes it although the input never ran dry, then the full search returns", async () => {
    const pool = new RecognizerPool({ python: "/usr/bin/python3", partialMs: 200 });
    try {
      pool.warm();
      await pool.nextWorker?.ready();
      const { pcm, spans } = talk();
      const { events, errors, handlers } = recordPacesAndFinals();
      const recognizer = pool.start(handlers);
      // The first 3 s at once (the quiet before the first clip and the clip's start), the rest as captured.
      const backlog = 3 * RATE * 2;
      recognizer.write(pcm.subarray(0, backlog));
      const rest = pcm.subarray(backlog, Math.round((spans[1]?.[1] ?? 0) * RATE) * 2);
      await streamInRealTime(recognizer, rest, () => {});
      await untilNormalThenFinish(recognizer, events);

      expect(errors).toEqual([]);
      // Behind by most of the 3 s it was sent at once.
      expectBacklogDecodedByTheLighterSearch(events, spans, 2);
    } finally {
      pool.close();
    }
  }, 120_000);
});
