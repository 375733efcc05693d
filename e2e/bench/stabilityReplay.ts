import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { startPocketsphinx } from "@babelcast/embedded/transcribe/pocketsphinxRecognizer.js";
import {
  type Hypothesis,
  ResultStabilizer,
  type SettledRule,
} from "@babelcast/embedded/transcribe/resultStabilizer.js";
import { Segmenter, type SegmenterOptions } from "../../electron/src/renderer/recognition/segmenter.js";
import { loadEveryTranscribedClip, wordErrorRate } from "../support/transcribeClips.js";
import { percentile } from "./report/percentile.js";

/**
 * Stability and segmenting rules compared on recorded hypotheses, in audio time: the figures do
 * not depend on the machine's load (docs/performance.md, "Captions sooner").
 *
 *   npx tsx e2e/bench/stabilityReplay.ts record out.json [leadMs]
 *     feeds the asr bench's talk (leading silence, every transcribed clip, 2 s between them) to one
 *     recognizer worker as fast as it takes it, catch-up policy off, and records every hypothesis
 *     with the decoder's position in the audio. Different leads shift the 10 ms frames.
 *   npx tsx e2e/bench/stabilityReplay.ts replay a.json,b.json '[3,5]' '{"maxSeconds":1.5}'
 *     replays them through ResultStabilizer (each N of agreeing hypotheses) and the console's
 *     Segmenter, the clock at the decoder's position, and prints one JSON line per N; an optional
 *     fifth argument '{"hypotheses":2,"seconds":0.3}' (or null) replaces the settled rule.
 */

interface Recording {
  readonly reference: string;
  readonly hypotheses: Hypothesis[];
}

async function record(out: string, leadMs: number): Promise<void> {
  // Hypotheses then come at the same audio positions whatever the load.
  process.env.BABELCAST_PS_CATCH_UP_AFTER_S = "1e9";
  process.env.BABELCAST_PS_SKIP_SILENCE_AFTER_S = "1e9";
  const clips = loadEveryTranscribedClip();
  const gap = Buffer.alloc(2 * 16000 * 2);
  const audio = Buffer.concat([Buffer.alloc(Math.round(leadMs * 16) * 2), ...clips.flatMap((c) => [c.pcm, gap])]);
  const hypotheses: Hypothesis[] = [];
  const recognizer = startPocketsphinx(
    // The endpoint's settings; REPLAY_PARTIAL_MS and the worker's own BABELCAST_PS_* variables try others.
    { python: "/usr/bin/python3", partialMs: Number(process.env.REPLAY_PARTIAL_MS ?? 100) },
    { onHypothesis: (h) => hypotheses.push(h), onError: (m) => process.stderr.write(`${m}\n`) },
  );
  for (let i = 0; i < audio.length; i += 3200) recognizer.write(audio.subarray(i, i + 3200));
  await recognizer.finish();
  recognizer.close();
  const recording: Recording = { reference: clips.map((c) => c.reference).join(" "), hypotheses };
  writeFileSync(out, JSON.stringify(recording));
  process.stderr.write(`${hypotheses.length} hypotheses in ${out}\n`);
}

export interface ReplayFigures {
  readonly wer: number;
  /** Words locked stable that the decoder's own final does not hold (same word, midpoint within 0.1 s). */
  readonly lockedWords: number;
  readonly lockedNotInFinal: number;
  /** Audio ms from a word's end to the decoder's position when it became stable / was committed. */
  readonly stableMs: number[];
  readonly commitMs: number[];
  readonly segmentWords: number[];
  /** Audio ms from a segment's last word's end to its commit (what caption_latency_ms starts from), by close reason. */
  readonly lastWordMs: { reason: string; ms: number }[];
}

/** Replays one recording through the stabilizer and the segmenter. Pure. */
export function replay(
  rec: Recording,
  stableAfter: number,
  segmenter: Partial<SegmenterOptions>,
  settled?: SettledRule | null,
): ReplayFigures {
  let ids = 0;
  const stabilizer = new ResultStabilizer({
    stabilization: true,
    stability: "high",
    stableAfter,
    ...(settled === undefined ? {} : { settled }),
    newResultId: () => `r${ids++}`,
  });
  let now = 0;
  let seq = 0;
  const seg = new Segmenter(segmenter, { nextSeq: () => seq++, now: () => now });
  const lockedByUtterance = new Map<number, { word: string; mid: number }[]>();
  const seenStable = new Set<string>();
  const figures = { lockedWords: 0, lockedNotInFinal: 0, stableMs: [] as number[], commitMs: [] as number[] };
  const segmentWords: number[] = [];
  const lastWordMs: { reason: string; ms: number }[] = [];
  const texts: string[] = [];
  for (const h of rec.hypotheses) {
    now = (h.position ?? 0) * 1000;
    if (h.final) {
      for (const w of lockedByUtterance.get(h.utterance) ?? []) {
        figures.lockedWords++;
        if (!h.words.some((v) => v.word === w.word && Math.abs((v.start + v.end) / 2 - w.mid) < 0.1))
          figures.lockedNotInFinal++;
      }
    }
    const result = stabilizer.accept(h);
    const items = result?.Alternatives[0]?.Items ?? [];
    if (!result) continue;
    for (const item of items) {
      const key = `${item.Content}@${item.StartTime}`;
      if (!result.IsPartial || !item.Stable || item.Type !== "pronunciation" || seenStable.has(key)) continue;
      seenStable.add(key);
      figures.stableMs.push(now - item.EndTime * 1000);
      const locked = lockedByUtterance.get(h.utterance) ?? [];
      locked.push({ word: item.Content, mid: (item.StartTime + item.EndTime) / 2 });
      lockedByUtterance.set(h.utterance, locked);
    }
    const timed = items.map((i) => ({
      type: i.Type,
      content: i.Content,
      start: i.StartTime,
      end: i.EndTime,
      stable: i.Stable,
    }));
    for (const event of seg.accept({ resultId: result.ResultId, isPartial: result.IsPartial, items: timed })) {
      if (event.kind !== "segment") continue;
      texts.push(event.segment.text);
      segmentWords.push(event.segment.words.length);
      lastWordMs.push({ reason: event.segment.reason, ms: now - event.segment.endTime * 1000 });
      for (const w of event.segment.words) figures.commitMs.push(now - w.endTime * 1000);
    }
  }
  for (const event of seg.flush()) if (event.kind === "segment") texts.push(event.segment.text);
  return { ...figures, segmentWords, lastWordMs, wer: wordErrorRate(rec.reference, texts.join(" ")).wer };
}

function replayAll(
  files: string[],
  ns: number[],
  segmenter: Partial<SegmenterOptions>,
  settled: SettledRule | null | undefined,
): void {
  const recordings = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as Recording);
  const r2 = (x: number) => Math.round(x * 1000) / 1000;
  for (const n of ns) {
    const runs = recordings.map((rec) => replay(rec, n, segmenter, settled));
    const last = runs.flatMap((r) => r.lastWordMs);
    const byReason: Record<string, { n: number; p50: number }> = {};
    for (const reason of new Set(last.map((l) => l.reason))) {
      const xs = last.filter((l) => l.reason === reason).map((l) => l.ms);
      byReason[reason] = { n: xs.length, p50: Math.round(percentile(xs, 50)) };
    }
    const all = (pick: (f: ReplayFigures) => number[]) => runs.flatMap(pick);
    const wers = runs.map((r) => r.wer);
    console.log(
      JSON.stringify({
        stableAfter: n,
        segmenter,
        settled,
        wer: { mean: r2(wers.reduce((a, b) => a + b, 0) / wers.length), runs: wers.map(r2) },
        locked_not_in_final: `${runs.reduce((a, r) => a + r.lockedNotInFinal, 0)} of ${runs.reduce((a, r) => a + r.lockedWords, 0)}`,
        stable_ms_p50: Math.round(
          percentile(
            all((r) => r.stableMs),
            50,
          ),
        ),
        commit_ms: {
          p50: Math.round(
            percentile(
              all((r) => r.commitMs),
              50,
            ),
          ),
          p99: Math.round(
            percentile(
              all((r) => r.commitMs),
              99,
            ),
          ),
        },
        last_word_ms: {
          p50: Math.round(
            percentile(
              last.map((l) => l.ms),
              50,
            ),
          ),
          p99: Math.round(
            percentile(
              last.map((l) => l.ms),
              99,
            ),
          ),
          by_reason: byReason,
        },
        segment_words_p50: percentile(
          all((r) => r.segmentWords),
          50,
        ),
      }),
    );
  }
}

const [command, a, b, c, d] = process.argv.slice(2);
// Run as a script only: other benches and notebooks import `replay`.
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (!isMain) {
  // imported
} else if (command === "record" && a) await record(a, Number(b ?? 500));
else if (command === "replay" && a)
  replayAll(
    a.split(","),
    JSON.parse(b ?? "[5]") as number[],
    JSON.parse(c ?? "{}") as Partial<SegmenterOptions>,
    d === undefined ? undefined : (JSON.parse(d) as SettledRule | null),
  );
else {
  process.stderr.write(
    "usage: stabilityReplay.ts record <out.json> [leadMs] | replay <a.json,...> [[N,...]] [segmenter JSON] [settled JSON]\n",
  );
  process.exit(2);
}
