/**
 * Synthesized speech to the console as one binary WebSocket frame per segment and language
 * (never base64 in JSON). A fixed 20-byte header, big-endian, then the audio bytes:
 *
 * | offset | size | field                                                    |
 * |--------|------|----------------------------------------------------------|
 * | 0      | 1    | version (1)                                              |
 * | 1      | 1    | audio format: 1 pcm (16-bit LE mono), 2 mp3, 3 ogg_vorbis |
 * | 2      | 2    | language, two ASCII letters (`es`)                       |
 * | 4      | 4    | per-language sequence (the caption's `seq`)              |
 * | 8      | 4    | segment sequence (`segmentSeq`)                          |
 * | 12     | 4    | sample rate, Hz                                          |
 * | 16     | 2    | speaking rate × 100 (150 = 1.5×; the lag controller's)   |
 * | 18     | 2    | reserved, 0                                              |
 * | 20     | …    | audio                                                    |
 */

export const SPEECH_FRAME_VERSION = 1;
export const SPEECH_FRAME_HEADER_BYTES = 20;

export const SPEECH_FORMATS = ["pcm", "mp3", "ogg_vorbis"] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

export interface SpeechFrame {
  readonly language: string;
  readonly seq: number;
  readonly segmentSeq: number;
  readonly format: SpeechFormat;
  readonly sampleRate: number;
  /** Speaking rate the speech was synthesized at (1 = normal). */
  readonly rate: number;
  readonly audio: Uint8Array;
}

export class SpeechFrameError extends Error {
  override readonly name = "SpeechFrameError";
}

const U32_MAX = 0xffff_ffff;

export function encodeSpeechFrame(frame: SpeechFrame): Uint8Array {
  if (!/^[a-z]{2}$/.test(frame.language))
    throw new SpeechFrameError(`language must be two letters, got "${frame.language}"`);
  for (const [name, v] of [
    ["seq", frame.seq],
    ["segmentSeq", frame.segmentSeq],
    ["sampleRate", frame.sampleRate],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > U32_MAX)
      throw new SpeechFrameError(`${name} must be a 32-bit unsigned integer`);
  }
  const rate = Math.round(frame.rate * 100);
  if (rate < 1 || rate > 0xffff) throw new SpeechFrameError("rate must be between 0.01 and 655");
  const out = new Uint8Array(SPEECH_FRAME_HEADER_BYTES + frame.audio.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, SPEECH_FRAME_VERSION);
  view.setUint8(1, SPEECH_FORMATS.indexOf(frame.format) + 1);
  view.setUint8(2, frame.language.charCodeAt(0));
  view.setUint8(3, frame.language.charCodeAt(1));
  view.setUint32(4, frame.seq);
  view.setUint32(8, frame.segmentSeq);
  view.setUint32(12, frame.sampleRate);
  view.setUint16(16, rate);
  out.set(frame.audio, SPEECH_FRAME_HEADER_BYTES);
  return out;
}

/** Reads a frame; the audio is a view into `bytes`, not a copy. */
export function decodeSpeechFrame(bytes: Uint8Array): SpeechFrame {
  if (bytes.byteLength < SPEECH_FRAME_HEADER_BYTES) throw new SpeechFrameError("frame shorter than its header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== SPEECH_FRAME_VERSION) throw new SpeechFrameError(`unsupported speech frame version ${version}`);
  const format = SPEECH_FORMATS[view.getUint8(1) - 1];
  if (!format) throw new SpeechFrameError(`unknown audio format ${view.getUint8(1)}`);
  const language = String.fromCharCode(view.getUint8(2), view.getUint8(3));
  if (!/^[a-z]{2}$/.test(language)) throw new SpeechFrameError("malformed language in speech frame");
  return {
    language,
    seq: view.getUint32(4),
    segmentSeq: view.getUint32(8),
    format,
    sampleRate: view.getUint32(12),
    rate: view.getUint16(16) / 100,
    audio: bytes.subarray(SPEECH_FRAME_HEADER_BYTES),
  };
}
