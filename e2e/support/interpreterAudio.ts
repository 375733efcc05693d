import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { wavBytes } from "./wavFile.js";

/** The interpreter's fake-microphone tone: nothing else in a test (440 Hz floor, speech) sits there. */
export const INTERPRETER_TONE_HZ = 1500;

/** A WAV for an interpreter's fake microphone: a steady INTERPRETER_TONE_HZ tone at -6 dBFS (Chromium loops it). */
export function writeInterpreterWav(dir: string, seconds = 4, sampleRate = 48_000): string {
  const frames = seconds * sampleRate;
  const data = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++)
    data.writeInt16LE(Math.round(0.5 * Math.sin((2 * Math.PI * INTERPRETER_TONE_HZ * i) / sampleRate) * 32767), i * 2);
  const file = join(dir, "interpreter-tone.wav");
  writeFileSync(file, wavBytes(data, sampleRate));
  return file;
}
