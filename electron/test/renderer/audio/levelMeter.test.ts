import { describe, expect, it } from "vitest";
import {
  DEFAULT_BALLISTICS,
  isClipping,
  measureBlock,
  meterFraction,
  nextMeterState,
  SILENT_METER,
  toDbfs,
} from "../../../src/renderer/audio/levelMeter.js";

const sine = (amplitude: number, n = 4800) =>
  Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 48000));

describe("level meter", () => {
  it("measures peak and RMS of a sine (RMS = peak / √2)", () => {
    const b = measureBlock(sine(0.5));
    expect(b.peak).toBeCloseTo(0.5, 2);
    expect(b.rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(b.clipped).toBe(false);
    expect(toDbfs(b.peak)).toBeCloseTo(-6.02, 1);
  });

  it("floors silence at -60 dBFS and maps the scale to 0..1", () => {
    expect(toDbfs(0)).toBe(-60);
    expect(meterFraction(-60)).toBe(0);
    expect(meterFraction(0)).toBe(1);
    expect(meterFraction(-30)).toBeCloseTo(0.5);
  });

  it("holds the peak, then lets it fall at the set speed", () => {
    const loud = nextMeterState(SILENT_METER, measureBlock(sine(1 / 2)), 1000);
    const quiet = measureBlock(sine(0.01));
    const held = nextMeterState(loud, quiet, 1000 + DEFAULT_BALLISTICS.holdMs - 10);
    expect(held.holdDb).toBeCloseTo(loud.holdDb, 5);
    const falling = nextMeterState(held, quiet, 1000 + DEFAULT_BALLISTICS.holdMs + 500);
    expect(falling.holdDb).toBeCloseTo(loud.holdDb - DEFAULT_BALLISTICS.fallDbPerSecond * 0.5, 1);
    const fallen = nextMeterState(falling, quiet, 1000 + DEFAULT_BALLISTICS.holdMs + 60_000);
    expect(fallen.holdDb).toBeCloseTo(toDbfs(0.01), 1);
  });

  it("lights the clip indicator at full scale and keeps it lit for the hold time", () => {
    const clip = nextMeterState(SILENT_METER, measureBlock(Float32Array.of(0, 1, -0.2)), 5000);
    expect(isClipping(clip, 5000)).toBe(true);
    const after = nextMeterState(clip, measureBlock(sine(0.1)), 5100);
    expect(isClipping(after, 5100 + DEFAULT_BALLISTICS.clipHoldMs - 200)).toBe(true);
    expect(isClipping(after, 5000 + DEFAULT_BALLISTICS.clipHoldMs + 1)).toBe(false);
  });
});
