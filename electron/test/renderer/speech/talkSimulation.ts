import { LagController, type LagSettings } from "../../../src/renderer/speech/lagController.js";

/**
 * A synthetic talk on a fake clock, to check the lag bound over a long talk and to find the
 * segment rate at which lag starts to grow. Pure and deterministic (seeded).
 */

export interface TalkShape {
  readonly minutes: number;
  /** Source segment length range, seconds. */
  readonly segmentSeconds: readonly [number, number];
  /** Silence between segments, seconds. */
  readonly gapSeconds: number;
  /** The presenter's speaking speed, characters per second of source. */
  readonly sourceCharsPerSecond: number;
  /** Translation length over source length (Spanish ≈ 1.2–1.3 of English). */
  readonly expansion: number;
  /** The synthesizer's natural speed, characters per second at rate 1. */
  readonly speechCharsPerSecond: number;
  /** Engine time from segment end to speech ready, range in seconds. */
  readonly processingSeconds: readonly [number, number];
  /** How far the engine's real duration strays from characters ÷ speed (±share). */
  readonly durationNoise: number;
  readonly seed: number;
}

export const DEFAULT_TALK: TalkShape = {
  minutes: 10,
  segmentSeconds: [2, 6],
  gapSeconds: 0.3,
  sourceCharsPerSecond: 14,
  expansion: 1.3,
  speechCharsPerSecond: 14,
  processingSeconds: [0.3, 1.2],
  durationNoise: 0.08,
  seed: 42,
};

export interface TalkResult {
  /** Delay behind the presenter when each segment's speech ends, seconds. */
  readonly delays: readonly number[];
  readonly rates: readonly number[];
  readonly segments: number;
  readonly finalDelaySeconds: number;
  readonly maxDelaySeconds: number;
}

/** A small seeded PRNG (mulberry32), so every run of the test sees the same talk. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulateTalk(shape: TalkShape, lag: LagSettings, language = "es"): TalkResult {
  const random = seededRandom(shape.seed);
  const between = ([lo, hi]: readonly [number, number]) => lo + random() * (hi - lo);
  const controller = new LagController(lag);
  const delays: number[] = [];
  const rates: number[] = [];
  const endMs = shape.minutes * 60_000;
  let t = 0;
  while (t < endMs) {
    const sourceMs = between(shape.segmentSeconds) * 1000;
    const sourceEndMs = t + sourceMs;
    const characters = Math.round((sourceMs / 1000) * shape.sourceCharsPerSecond * shape.expansion);
    const readyMs = sourceEndMs + between(shape.processingSeconds) * 1000;
    const decision = controller.chooseRate(language, { nowMs: readyMs, sourceEndMs, characters });
    const naturalMs = (characters / shape.speechCharsPerSecond) * 1000;
    const noise = 1 + (random() * 2 - 1) * shape.durationNoise;
    const actualMs = (naturalMs / decision.rate) * noise;
    const delayMs = controller.enqueue(language, { nowMs: readyMs, sourceEndMs, decision, actualMs, characters });
    delays.push(delayMs / 1000);
    rates.push(decision.rate);
    t = sourceEndMs + shape.gapSeconds * 1000;
  }
  return {
    delays,
    rates,
    segments: delays.length,
    finalDelaySeconds: delays[delays.length - 1] ?? 0,
    maxDelaySeconds: Math.max(0, ...delays),
  };
}
