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
