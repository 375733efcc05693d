import { describe, expect, it } from "vitest";
import { PcmResampler } from "../../../src/renderer/recognition/pcmResampler.js";

function tone(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Resamples in uneven blocks, as an AudioWorklet delivers them. */
function resample(input: Float32Array, rate: number): Int16Array {
  const r = new PcmResampler(rate, 16000);
  const parts: Int16Array[] = [];
  for (let i = 0, n = 0; i < input.length; i += 128 + (n++ % 7) * 100)
    parts.push(r.process(input.subarray(i, i + 128 + (n % 7) * 100)));
  const out = new Int16Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Amplitude of `freq` in the signal (single-bin DFT), as a fraction of full scale. */
function amplitudeAt(pcm: Int16Array, freq: number, rate = 16000): number {
  let re = 0;
  let im = 0;
  const skip = 400; // past the filter's start-up
  for (let i = skip; i < pcm.length; i++) {
    const x = (pcm[i] ?? 0) / 32767;
    re += x * Math.cos((2 * Math.PI * freq * i) / rate);
    im -= x * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (pcm.length - skip);
}

describe("PCM resampler to 16 kHz", () => {
  it.each([48000, 44100, 16000])("keeps duration and a 1 kHz tone's level from %i Hz", (rate) => {
    const out = resample(tone(1000, rate, 1), rate);
    expect(Math.abs(out.length - 16000)).toBeLessThan(40);
    expect(amplitudeAt(out, 1000)).toBeCloseTo(0.5, 1);
  });

  it("removes content above 8 kHz instead of folding it back (no aliasing)", () => {
    // 12 kHz at 48 kHz would alias to 4 kHz if decimated without a low-pass filter.
    const out = resample(tone(12000, 48000, 1), 48000);
    expect(amplitudeAt(out, 4000)).toBeLessThan(0.005);
  });

  it("clips instead of wrapping around on overload", () => {
    const out = resample(tone(200, 48000, 0.2, 1.5), 48000);
    expect(Math.max(...out)).toBe(32767);
    expect(Math.min(...out)).toBe(-32768);
  });
});
