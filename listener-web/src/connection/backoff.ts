export interface BackoffPolicy {
  /** First delay, ms. */
  readonly baseMs: number;
  /** Longest delay, ms: short, because audio must be back within 3 s of the network. */
  readonly maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 4000 };

/**
 * Delay before reconnection attempt `attempt` (0 = first): exponential, capped, with
 * jitter between half and all of it so a room of phones does not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = RECONNECT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
