import type { SpeechFormat } from "@babelcast/protocol";

/**
 * How long synthesized speech plays, read from the audio itself (Polly does not say): the
 * lag controller needs the real length, not the estimate it synthesized for. Pure.
 */

const MPEG_KBPS: Readonly<Record<string, readonly number[]>> = {
  // MPEG-1 Layer III
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  // MPEG-2 / 2.5 Layer III
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MPEG_RATES: Readonly<Record<number, readonly number[]>> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** Sums the frames of an MP3 (Layer III) stream, skipping an ID3v2 tag. */
export function mp3DurationMs(bytes: Uint8Array): number {
  let i = 0;
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33 && bytes.length > 10) {
    i = 10 + (((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0));
  }
  let seconds = 0;
  while (i + 4 <= bytes.length) {
    const b1 = bytes[i + 1] as number;
    const b2 = bytes[i + 2] as number;
    if (bytes[i] !== 0xff || (b1 & 0xe0) !== 0xe0) {
      i++;
      continue;
    }
    const version = (b1 >> 3) & 3;
    const sampleRate = MPEG_RATES[version]?.[(b2 >> 2) & 3];
    const kbps = (version === 3 ? MPEG_KBPS.v1 : MPEG_KBPS.v2)?.[b2 >> 4];
    if (!sampleRate || !kbps || ((b1 >> 1) & 3) !== 1) {
      i++;
      continue;
    }
    const samplesPerFrame = version === 3 ? 1152 : 576;
    i += Math.floor(((samplesPerFrame / 8) * kbps * 1000) / sampleRate) + ((b2 >> 1) & 1);
    seconds += samplesPerFrame / sampleRate;
  }
  return seconds * 1000;
}

/** The granule position of an Ogg stream's last page: its length in samples. */
export function oggDurationMs(bytes: Uint8Array, sampleRate: number): number {
  for (let i = bytes.length - 27; i >= 0; i--) {
    if (bytes[i] === 0x4f && bytes[i + 1] === 0x67 && bytes[i + 2] === 0x67 && bytes[i + 3] === 0x53) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + i + 6, 8);
      const granule = Number(view.getBigUint64(0, true));
      return (granule / sampleRate) * 1000;
    }
  }
  return 0;
}

export function audioDurationMs(audio: Uint8Array, format: SpeechFormat, sampleRate: number): number {
  if (format === "pcm") return (audio.byteLength / 2 / sampleRate) * 1000;
  if (format === "mp3") return mp3DurationMs(audio);
  return oggDurationMs(audio, sampleRate);
}
