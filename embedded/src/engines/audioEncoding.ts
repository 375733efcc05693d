import { createMp3Encoder, createOggEncoder, type WasmMediaEncoder } from "wasm-media-encoders";

/**
 * Compressed speech for Polly's mp3 and ogg_vorbis formats, encoded in-process by the
 * reference LAME and libvorbis encoders compiled to WebAssembly (`wasm-media-encoders`):
 * no encoder binary or process per request, nothing downloaded at run time. One encoder
 * of each kind is created once and reconfigured per request (calls are synchronous, so
 * requests cannot interleave on it).
 */

let mp3: Promise<WasmMediaEncoder<"audio/mpeg">> | undefined;
let ogg: Promise<WasmMediaEncoder<"audio/ogg">> | undefined;

function toFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] as number) / 32768;
  return out;
}

function run<T extends "audio/mpeg" | "audio/ogg">(
  encoder: WasmMediaEncoder<T>,
  samples: Int16Array,
  sampleRate: number,
  vbrQuality: number,
): Uint8Array {
  encoder.configure({ sampleRate, channels: 1, vbrQuality });
  // The encoder owns the arrays it returns and reuses them: copy before the next call.
  const body = encoder.encode([toFloat(samples)]).slice();
  const tail = encoder.finalize().slice();
  const out = new Uint8Array(body.length + tail.length);
  out.set(body);
  out.set(tail, body.length);
  return out;
}

/** MP3 (LAME VBR, quality 5: speech-grade, ≈ 24–40 kbit/s at 16–24 kHz mono). */
export async function encodeMp3(samples: Int16Array, sampleRate: number): Promise<Uint8Array> {
  mp3 ??= createMp3Encoder();
  return run(await mp3, samples, sampleRate, 5);
}

/** Ogg Vorbis (VBR quality 3). */
export async function encodeOggVorbis(samples: Int16Array, sampleRate: number): Promise<Uint8Array> {
  ogg ??= createOggEncoder();
  return run(await ogg, samples, sampleRate, 3);
}

/** Raw 16-bit little-endian bytes, as Polly's pcm format is. */
export function pcm16LeBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] as number, true);
  return out;
}
