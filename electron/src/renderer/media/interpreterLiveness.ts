/**
 * Whether an interpreter's microphone is still arriving, from the packet count of its
 * inbound RTP stream. Pure: the feed samples getStats and asks this. A closed tab stops the
 * packets at once, while ICE takes several seconds to call the connection lost, so the
 * count is what lets listeners fall back to machine speech within 2 s.
 */

/** No new packet for this long: the interpreter is gone (Opus sends a packet every 20 ms, even in silence). */
export const INTERPRETER_QUIET_MS = 1_000;

export interface LivenessState {
  readonly packets: number;
  /** When the packet count last grew (epoch ms); undefined before the first packet. */
  readonly lastGrowthAt?: number;
  readonly live: boolean;
}

export const NOT_LIVE: LivenessState = { packets: 0, live: false };

/** The state after one sample of the packet count at `now`. */
export function observePackets(
  state: LivenessState,
  packets: number,
  now: number,
  quietMs = INTERPRETER_QUIET_MS,
): LivenessState {
  const lastGrowthAt = packets > state.packets ? now : state.lastGrowthAt;
  const live = lastGrowthAt !== undefined && now - lastGrowthAt < quietMs;
  return { packets: Math.max(packets, state.packets), ...(lastGrowthAt !== undefined ? { lastGrowthAt } : {}), live };
}
