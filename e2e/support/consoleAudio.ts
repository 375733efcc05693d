import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { wavBytes } from "./wavFile.js";

/**
 * A WAV for Chromium's fake microphone (`--use-file-for-fake-audio-capture`): a 440 Hz tone
 * at -6 dBFS in 600 ms bursts with quieter gaps, so a meter moves and a listener measures
 * clear energy. Chromium loops the file.
 */
export function writeConsoleTestWav(dir: string, seconds = 6, sampleRate = 48_000): string {
  const frames = seconds * sampleRate;
  const data = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    const envelope = t % 1 < 0.6 ? 0.5 : 0.05;
    data.writeInt16LE(Math.round(envelope * Math.sin(2 * Math.PI * 440 * t) * 32767), i * 2);
  }
  const file = join(dir, "console-test-tone.wav");
  writeFileSync(file, wavBytes(data, sampleRate));
  return file;
}

/**
 * A silent WAV for the fake microphone, for tests that feed the console's segments themselves:
 * the recognizer can hear a word in the tone's bursts, and its segment would join theirs.
 */
export function writeSilentTestWav(dir: string, seconds = 2, sampleRate = 48_000): string {
  const file = join(dir, "console-test-silence.wav");
  writeFileSync(file, wavBytes(Buffer.alloc(seconds * sampleRate * 2), sampleRate));
  return file;
}
