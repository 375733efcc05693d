/** Reconnect delay after `attempt` failures in a row: 0.5 s doubling to 10 s, with ±20% jitter. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A presigned URL this close to expiry is not worth connecting with: ask for a fresh one. */
export const GRANT_REFRESH_MARGIN_MS = 30_000;

export function grantIsFresh(expiresAt: number, now: number): boolean {
  return expiresAt - now > GRANT_REFRESH_MARGIN_MS;
}
