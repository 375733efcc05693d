/** Beyond this the phone's clock and the presenter's disagree; no figure beats a wrong one. */
const PLAUSIBLE_DELAY_S = 120;
/** Clocks a little apart can make a fresh caption look early by this much. */
const TOLERATED_EARLY_S = 1;

/**
 * Seconds the listener is behind the presenter for a caption received at `receivedAt`
 * whose words ended at `spokenEndAt` (both epoch ms), to 0.1 s; null when unknown or
 * implausible.
 */
export function delaySeconds(spokenEndAt: number | undefined, receivedAt: number): number | null {
  if (spokenEndAt === undefined) return null;
  const s = (receivedAt - spokenEndAt) / 1000;
  if (s < -TOLERATED_EARLY_S || s > PLAUSIBLE_DELAY_S) return null;
  return Math.round(Math.max(0, s) * 10) / 10;
}

/** Smooths successive delays so the indicator does not flicker: exponential moving average. */
export function smoothDelay(previous: number | null, next: number | null, weight = 0.3): number | null {
  if (next === null) return previous;
  if (previous === null) return next;
  return Math.round((previous + (next - previous) * weight) * 10) / 10;
}
