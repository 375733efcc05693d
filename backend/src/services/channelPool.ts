import type { ChannelRecord } from "./sessionRecords.js";

/**
 * Channel pool: which KVS signaling channel a joining listener watches. A channel admits
 * `viewersPerChannel` viewers (KVS: 10), so each channel offers that many audio *slots*, and
 * the last one fewer when the session's audio capacity ends inside it. A listener holds one
 * slot; a slot is taken by a conditional write on its own item (see the coordination table),
 * so no channel can get more viewers than it has slots, however many containers run joins.
 * The pool grows one channel at a time when every slot is held. Pure: the caller reads the
 * claims and writes the decision.
 */

export interface PoolLimits {
  readonly audioCapacity: number;
  readonly viewersPerChannel: number;
  /** How long a listener's slot stays reserved after it disconnected (a page reload). */
  readonly slotGraceMs: number;
}

/** One audio slot of the pool. */
export interface Slot {
  /** Its item in the coordination table. */
  readonly item: string;
  readonly channelArn: string;
  readonly channelIndex: number;
}

/** Who holds a slot, and until when (what the coordination table says). */
export interface SlotHold {
  readonly item: string;
  readonly listenerId: string;
  readonly heldUntil: number;
}

/** A connected listener keeps its slot until it disconnects: a hold that never runs out by itself. */
export const HELD_WHILE_CONNECTED = 8_640_000_000_000_000;

/** Until when a listener holds its slot: while connected, or the grace period after it was last seen. */
export function slotHeldUntil(connected: boolean, now: number, slotGraceMs: number): number {
  return connected ? HELD_WHILE_CONNECTED : now + slotGraceMs;
}

export function slotItem(channelIndex: number, slot: number): string {
  return `slot#${String(channelIndex).padStart(4, "0")}#${String(slot).padStart(3, "0")}`;
}

/** Every slot the pool's channels offer, channel by channel, never more than the audio capacity in all. */
export function poolSlots(channels: readonly ChannelRecord[], limits: PoolLimits): Slot[] {
  const slots: Slot[] = [];
  for (const channel of [...channels].sort((a, b) => a.index - b.index)) {
    for (let s = 0; s < limits.viewersPerChannel && slots.length < limits.audioCapacity; s++) {
      slots.push({ item: slotItem(channel.index, s), channelArn: channel.channelArn, channelIndex: channel.index });
    }
  }
  return slots;
}

export function captionsOnlyReason(audioCapacity: number): string {
  if (audioCapacity === 0) return "The presenter offers captions only for this session: follow the text below.";
  return `Audio is full: this session carries audio to ${audioCapacity} listeners and every place is taken. You get live captions; reload later to try for audio.`;
}

export const SLOT_LOST_REASON =
  "You were away longer than your audio place is kept, and it went to another listener. You get live captions; reload later to try for audio.";

export type PoolPlan =
  /** Try these slots in order (the listener's own first, then free ones of the lowest channels). */
  | { readonly kind: "claim"; readonly candidates: readonly Slot[] }
  | { readonly kind: "add-channel"; readonly index: number }
  | { readonly kind: "captions-only"; readonly reason: string };

/**
 * Where `listenerId` may listen, given the slots' holds read just before. Free slots of a
 * channel are tried from a random start, so racing joins spread over the channel instead of
 * all fighting for its first free slot.
 */
export function planJoin(
  channels: readonly ChannelRecord[],
  holds: readonly SlotHold[],
  listenerId: string,
  limits: PoolLimits,
  now: number,
  random: () => number,
): PoolPlan {
  if (limits.audioCapacity === 0) return { kind: "captions-only", reason: captionsOnlyReason(0) };
  const slots = poolSlots(channels, limits);
  const holdOf = new Map(holds.map((h) => [h.item, h]));
  const own = slots.filter((s) => holdOf.get(s.item)?.listenerId === listenerId);
  const free = slots.filter((s) => {
    const hold = holdOf.get(s.item);
    return !hold || hold.heldUntil < now;
  });
  const byChannel = new Map<number, Slot[]>();
  for (const s of free) byChannel.set(s.channelIndex, [...(byChannel.get(s.channelIndex) ?? []), s]);
  const spread: Slot[] = [];
  for (const index of [...byChannel.keys()].sort((a, b) => a - b)) {
    const list = byChannel.get(index) ?? [];
    const start = Math.floor(random() * list.length);
    spread.push(...list.slice(start), ...list.slice(0, start));
  }
  const candidates = [...own, ...spread.filter((s) => !own.includes(s))];
  if (candidates.length > 0) return { kind: "claim", candidates };
  const offered = channels.length * limits.viewersPerChannel;
  if (offered >= limits.audioCapacity)
    return { kind: "captions-only", reason: captionsOnlyReason(limits.audioCapacity) };
  const nextIndex = channels.length === 0 ? 0 : Math.max(...channels.map((c) => c.index)) + 1;
  return { kind: "add-channel", index: nextIndex };
}

/** The KVS channel name of pool channel `index` of a session (unique per deployment). */
export function poolChannelName(prefix: string, sessionId: string, index: number): string {
  return `${prefix}${sessionId}-${index}`;
}
