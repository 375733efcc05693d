import { writeFileSync } from "node:fs";
import type { LibrivoxClip } from "@babelcast/embedded/testSupport/librivoxClips.js";
import { wavBytes } from "./wavFile.js";

export type { LibrivoxClip as Clip } from "@babelcast/embedded/testSupport/librivoxClips.js";
export {
  loadEveryTranscribedClip,
  loadLibrivoxClips as loadClips,
} from "@babelcast/embedded/testSupport/librivoxClips.js";

const RATE = 16000;

export interface Talk {
  readonly wavPath: string;
  readonly seconds: number;
  readonly reference: string;
  /** Session seconds at which each clip's speech ends (start of the silence after it). */
  readonly clipEnds: readonly number[];
}

/** Writes the clips, each followed by `gapSeconds` of silence, as one 16 kHz WAV (a talk with pauses). */
export function writeTalk(clips: readonly LibrivoxClip[], path: string, gapSeconds = 1.5, leadSeconds = 0.5): Talk {
  const gap = Buffer.alloc(Math.round(gapSeconds * RATE) * 2);
  const parts: Buffer[] = [Buffer.alloc(Math.round(leadSeconds * RATE) * 2)];
  const clipEnds: number[] = [];
  let bytes = parts[0]?.length ?? 0;
  for (const clip of clips) {
    parts.push(clip.pcm, gap);
    clipEnds.push((bytes + clip.pcm.length) / 2 / RATE);
    bytes += clip.pcm.length + gap.length;
  }
  const data = Buffer.concat(parts);
  writeFileSync(path, wavBytes(data, RATE));
  return {
    wavPath: path,
    seconds: data.length / 2 / RATE,
    reference: clips.map((c) => c.reference).join(" "),
    clipEnds,
  };
}

export const normalizeWords = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Word error rate: word-level edit distance over the reference length. */
export function wordErrorRate(reference: string, hypothesis: string): { wer: number; errors: number; words: number } {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const cost = ref[i - 1] === hyp[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  const errors = prev[hyp.length] ?? 0;
  return { wer: ref.length === 0 ? 0 : errors / ref.length, errors, words: ref.length };
}
