import { describe, expect, it } from "vitest";
import { resamplePcm16 } from "../../src/engines/resample.js";

function tone(frequency: number, sampleRate: number, seconds: number, amplitude = 10_000): Int16Array {
  const out = new Int16Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  return out;
}

/** RMS of the middle half (away from the filter's edges). */
function rms(samples: Int16Array): number {
  const mid = samples.subarray(samples.length / 4, (3 * samples.length) / 4);
  let e = 0;
  for (const s of mid) e += s * s;
  return Math.sqrt(e / mid.length);
}

/** Frequency from zero crossings of the middle half. */
function frequency(samples: Int16Array, sampleRate: number): number {
  const mid = samples.subarray(samples.length / 4, (3 * samples.length) / 4);
  let crossings = 0;
  for (let i = 1; i < mid.length; i++) if ((mid[i - 1] as number) < 0 && (mid[i] as number) >= 0) crossings++;
  return crossings / (mid.length / sampleRate);
}

describe("band-limited resampling of eSpeak's 22,050 Hz speech", () => {
  for (const to of [8000, 16000, 24000]) {
    it(`keeps a 1 kHz tone's pitch, length and level at ${to} Hz`, () => {
      const out = resamplePcm16(tone(1000, 22050, 1), 22050, to);
      expect(out.length).toBe(to);
      expect(frequency(out, to)).toBeCloseTo(1000, -1);
      expect(rms(out) / (10_000 / Math.SQRT2)).toBeGreaterThan(0.97);
      expect(rms(out) / (10_000 / Math.SQRT2)).toBeLessThan(1.03);
    });
  }

  it("filters out a 6 kHz tone instead of folding it to 2 kHz at 8 kHz", () => {
    const out = resamplePcm16(tone(6000, 22050, 1), 22050, 8000);
    // Naive decimation would keep its full level (≈ 7071); the filter leaves < 1%.
    expect(rms(out)).toBeLessThan(70);
  });
});
