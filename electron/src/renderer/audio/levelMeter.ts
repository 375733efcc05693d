/** Level meter math, pure: block measurement, dBFS, peak hold with decay, clip latch. */

/** Sample magnitude at or above this counts as a clip (one LSB under full scale at 16 bit). */
export const CLIP_LEVEL = 0.9999;
export const METER_FLOOR_DB = -60;

export interface BlockLevel {
  /** Largest absolute sample, 0..1+. */
  readonly peak: number;
  readonly rms: number;
  readonly clipped: boolean;
}

export function measureBlock(samples: Float32Array): BlockLevel {
  let peak = 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    const a = s < 0 ? -s : s;
    if (a > peak) peak = a;
    sum += s * s;
  }
  const rms = samples.length > 0 ? Math.sqrt(sum / samples.length) : 0;
  return { peak, rms, clipped: peak >= CLIP_LEVEL };
}

/** Linear amplitude → dBFS, floored so silence is a finite number. */
export function toDbfs(amplitude: number, floor = METER_FLOOR_DB): number {
  if (!(amplitude > 0)) return floor;
  return Math.max(floor, 20 * Math.log10(amplitude));
}

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

/** Meter position 0..1 for a dBFS value on a [floor, 0] scale. */
export function meterFraction(db: number, floor = METER_FLOOR_DB): number {
  return Math.min(1, Math.max(0, (db - floor) / -floor));
}

export interface MeterState {
  readonly rmsDb: number;
  readonly peakDb: number;
  /** The held peak marker. */
  readonly holdDb: number;
  readonly holdSince: number;
  /** Clip indicator: latched until `clipUntil` (ms). */
  readonly clipUntil: number;
}

export interface MeterBallistics {
  /** How long the peak marker stays before it falls. */
  readonly holdMs: number;
  /** Fall speed of the marker after the hold, dB per second. */
  readonly fallDbPerSecond: number;
  /** How long the clip light stays on after the last clip. */
  readonly clipHoldMs: number;
}

export const DEFAULT_BALLISTICS: MeterBallistics = { holdMs: 1500, fallDbPerSecond: 20, clipHoldMs: 2000 };

export const SILENT_METER: MeterState = {
  rmsDb: METER_FLOOR_DB,
  peakDb: METER_FLOOR_DB,
  holdDb: METER_FLOOR_DB,
  holdSince: 0,
  clipUntil: 0,
};

/** Advances the meter by one measured block at time `now` (ms). */
export function nextMeterState(
  prev: MeterState,
  block: BlockLevel,
  now: number,
  b: MeterBallistics = DEFAULT_BALLISTICS,
): MeterState {
  const peakDb = toDbfs(block.peak);
  const rmsDb = toDbfs(block.rms);
  let holdDb = prev.holdDb;
  let holdSince = prev.holdSince;
  if (peakDb >= holdDb) {
    holdDb = peakDb;
    holdSince = now;
  } else {
    const held = now - holdSince;
    if (held > b.holdMs) {
      const fallen = prev.holdDb - (b.fallDbPerSecond * (held - b.holdMs)) / 1000;
      holdDb = Math.max(peakDb, fallen, METER_FLOOR_DB);
      if (holdDb === peakDb) holdSince = now;
    }
  }
  const clipUntil = block.clipped ? now + b.clipHoldMs : prev.clipUntil;
  return { rmsDb, peakDb, holdDb, holdSince, clipUntil };
}

export function isClipping(state: MeterState, now: number): boolean {
  return now < state.clipUntil;
}
