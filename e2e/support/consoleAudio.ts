import { writeFileSync } from "node:fs";
import { join } from "node:path";

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
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  const file = join(dir, "console-test-tone.wav");
  writeFileSync(file, Buffer.concat([header, data]));
  return file;
}
