/**
 * How the console and the listener page space their reconnection attempts (signaling,
 * WebSockets, joins). Pure and dependency-free: the listener page imports it at no cost.
 */

/** Ceiling of the first delay, ms. */
export const RECONNECT_BASE_MS = 250;
/** Longest delay, ms: short, because audio must be back within 3 s of the network. */
export const RECONNECT_MAX_MS = 4000;

/**
 * Delay before reconnection attempt `attempt` (0 = first): doubling from the base, capped,
 * with "equal jitter" (between half and all of it) so a room of phones, or a console's
 * channels, do not reconnect in lockstep. KVS answers a crowd connecting too fast with
 * ClientLimitExceededException and asks for exactly this (https://docs.aws.amazon.com/general/latest/gr/api-retries.html).
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
