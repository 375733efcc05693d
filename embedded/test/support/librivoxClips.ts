import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Real recorded English with reference transcripts: the five LibriVox clips of Debian's
 * `pocketsphinx-testdata`, which the recognizer's tests and benchmark measure against.
 */
export const LIBRIVOX_DIR = "/usr/share/pocketsphinx/test/data/librivox";

export interface LibrivoxClip {
  readonly id: string;
  readonly reference: string;
  /** 16-bit 16 kHz mono PCM, without the WAV header. */
  readonly pcm: Buffer;
}

export function loadLibrivoxClips(dir = LIBRIVOX_DIR): LibrivoxClip[] {
  return loadTranscribedClips(dir, "transcription");
}

/** Spoken card names ("eight of spades four of clubs") with their transcripts, also from `pocketsphinx-testdata`. */
export const CARDS_DIR = "/usr/share/pocketsphinx/test/data/cards";

/**
 * Every recording of `pocketsphinx-testdata` that comes with a reference transcript (the LibriVox
 * sentences and the spoken cards), for figures that should rest on all the speech there is.
 */
export function loadEveryTranscribedClip(): LibrivoxClip[] {
  return [...loadLibrivoxClips(), ...loadTranscribedClips(CARDS_DIR, "cards.transcription")];
}

/** Clips listed in a Sphinx transcription file (`<s> words </s> (id)` per line), each `id.wav` beside it. */
function loadTranscribedClips(dir: string, transcription: string): LibrivoxClip[] {
  const lines = readFileSync(join(dir, transcription), "utf8").trim().split("\n");
  return lines.map((line) => {
    const m = /^<s>\s*(.*?)\s*<\/s>\s*\((.+)\)$/.exec(line.trim());
    if (!m) throw new Error(`unexpected line in ${dir}/${transcription}: ${line}`);
    const id = m[2] as string;
    const wav = readFileSync(join(dir, `${id}.wav`));
    return { id, reference: m[1] as string, pcm: wav.subarray(wav.indexOf("data") + 8) };
  });
}
