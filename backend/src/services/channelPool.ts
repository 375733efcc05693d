import type { ChannelRecord } from "./sessionRecords.js";

/**
 * Channel pool: which KVS signaling channel a joining listener watches. A channel admits
 * `viewersPerChannel` viewers (KVS: 10); the pool grows one channel at a time and never
 * past the session's audio capacity. Pure: the caller reads the state and applies the
 * decision.
 */

/** What the pool needs to know of a listener. */
export interface SlotHolder {
  readonly listenerId: string;
  readonly channelArn?: string;
  readonly connected: boolean;
  /** Last join or disconnect (epoch ms): a disconnected listener keeps its slot for a grace period. */
  readonly lastActiveAt: number;
}

export interface PoolState {
  readonly channels: readonly ChannelRecord[];
  readonly listeners: readonly SlotHolder[];
}

export interface PoolLimits {
  readonly audioCapacity: number;
  readonly viewersPerChannel: number;
  /** How long a listener's slot stays reserved after it disconnected (a page reload). */
  readonly slotGraceMs: number;
}

export type PoolDecision =
  | { readonly kind: "keep"; readonly channelArn: string }
  | { readonly kind: "assign"; readonly channelArn: string }
  | { readonly kind: "add-channel"; readonly index: number }
  | { readonly kind: "captions-only"; readonly reason: string };

/** True while a listener occupies a viewer slot of its channel. */
export function holdsSlot(holder: SlotHolder, now: number, slotGraceMs: number): boolean {
  return holder.channelArn !== undefined && (holder.connected || now - holder.lastActiveAt < slotGraceMs);
}

/** Viewers per channel, counting reserved slots. */
export function occupancy(state: PoolState, now: number, slotGraceMs: number, except?: string): Map<string, number> {
  const counts = new Map<string, number>(state.channels.map((c) => [c.channelArn, 0]));
  for (const l of state.listeners) {
    if (l.listenerId === except || !holdsSlot(l, now, slotGraceMs)) continue;
    const arn = l.channelArn as string;
    if (counts.has(arn)) counts.set(arn, (counts.get(arn) ?? 0) + 1);
  }
  return counts;
}

export function captionsOnlyReason(audioCapacity: number): string {
  if (audioCapacity === 0) return "The presenter offers captions only for this session: follow the text below.";
  return `Audio is full: this session carries audio to ${audioCapacity} listeners and every place is taken. You get live captions; reload later to try for audio.`;
}

/** Decides where `listenerId` listens. A listener with a slot (a rejoin) gets the same channel back. */
export function assignSlot(state: PoolState, listenerId: string, limits: PoolLimits, now: number): PoolDecision {
  const counts = occupancy(state, now, limits.slotGraceMs, listenerId);
  const previous = state.listeners.find((l) => l.listenerId === listenerId);
  if (previous?.channelArn && counts.has(previous.channelArn)) {
    // Its own slot was held for it unless the grace ran out and others filled the channel.
    if ((counts.get(previous.channelArn) ?? 0) < limits.viewersPerChannel) {
      return { kind: "keep", channelArn: previous.channelArn };
    }
  }
  let taken = 0;
  for (const n of counts.values()) taken += n;
  if (taken >= limits.audioCapacity) return { kind: "captions-only", reason: captionsOnlyReason(limits.audioCapacity) };
  const ordered = [...state.channels].sort((a, b) => a.index - b.index);
  for (const channel of ordered) {
    if ((counts.get(channel.channelArn) ?? 0) < limits.viewersPerChannel) {
      return { kind: "assign", channelArn: channel.channelArn };
    }
  }
  const nextIndex = ordered.length === 0 ? 0 : (ordered[ordered.length - 1]?.index ?? 0) + 1;
  return { kind: "add-channel", index: nextIndex };
}

/** The KVS channel name of pool channel `index` of a session (unique per deployment). */
export function poolChannelName(prefix: string, sessionId: string, index: number): string {
  return `${prefix}${sessionId}-${index}`;
}
