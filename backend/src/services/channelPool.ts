import type { ChannelRecord } from "./sessionRecords.js";

/**
 * Channel pool: which KVS signaling channel a joining listener watches. A channel admits
 * `viewersPerChannel` viewers (KVS: 10), so each channel offers that many audio *slots*, and
 * the last one fewer when the session's audio capacity ends inside it. A listener holds one
 * slot; a slot is taken by a conditional write on its own item (see the coordination table),
 * so no channel can get more viewers than it has slots, however many containers run joins.
 * The pool grows one channel at a time when every slot is held. Pure: the caller reads the
 * claims and writes the decision.
 *
 * Relays (issue #18): the console masters channels for at most `directCapacity` slots (the
 * lowest latency, for the first listeners); past them, new channels are mastered by a relay
 * with room. A relay channel offers slots only while its relay is alive (a fresh heartbeat)
 * and not draining: a listener of a dead relay's channel gets a fresh slot when it rejoins.
 */

export interface PoolLimits {
  readonly audioCapacity: number;
  readonly viewersPerChannel: number;
  /** How long a listener's slot stays reserved after it disconnected (a page reload). */
  readonly slotGraceMs: number;
  /** Slots the console masters itself, at most (absent: every channel is the console's, no relays). */
  readonly directCapacity?: number;
  /** A relay whose last heartbeat is older than this is dead (absent: 5 s). */
  readonly relayDeadAfterMs?: number;
}

/** A registered relay as the registry says (coordination table). */
export interface RelayState {
  readonly relayId: string;
  /** Listeners it may serve in all. */
  readonly capacity: number;
  /** Listeners it serves now, as its last heartbeat reported (every session). */
  readonly listeners: number;
  /** Epoch ms of its last heartbeat. */
  readonly lastSeenAt: number;
  readonly draining: boolean;
}

const DEFAULT_RELAY_DEAD_AFTER_MS = 5000;

/** Whether a relay counts as alive: its last heartbeat came within `relayDeadAfterMs`. */
export function relayAlive(relay: RelayState, now: number, limits: Pick<PoolLimits, "relayDeadAfterMs">): boolean {
  return relay.lastSeenAt >= now - (limits.relayDeadAfterMs ?? DEFAULT_RELAY_DEAD_AFTER_MS);
}

/** Whether a relay may serve listeners: heard from recently and not draining. */
export function relayServes(relay: RelayState | undefined, now: number, limits: PoolLimits): boolean {
  if (!relay || relay.draining) return false;
  return relayAlive(relay, now, limits);
}

export function isRelayChannel(channel: ChannelRecord): boolean {
  return channel.host === "relay";
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

/**
 * Every slot the pool's channels offer: the console's channels first (never more than the
 * direct capacity), then the channels of relays that serve (`relays`; absent: none is
 * filtered out), channel by channel, never more than the audio capacity in all.
 */
export function poolSlots(
  channels: readonly ChannelRecord[],
  limits: PoolLimits,
  relays?: readonly RelayState[],
  now = 0,
): Slot[] {
  const byId = new Map((relays ?? []).map((r) => [r.relayId, r]));
  const sorted = [...channels].sort((a, b) => a.index - b.index);
  const direct = sorted.filter((c) => !isRelayChannel(c));
  const relayed = sorted.filter(
    (c) => isRelayChannel(c) && (relays === undefined || relayServes(byId.get(c.relayId ?? ""), now, limits)),
  );
  const slots: Slot[] = [];
  const directCap = Math.min(limits.directCapacity ?? Number.POSITIVE_INFINITY, limits.audioCapacity);
  for (const [list, cap] of [
    [direct, directCap],
    [relayed, limits.audioCapacity],
  ] as const) {
    for (const channel of list) {
      for (let s = 0; s < limits.viewersPerChannel && slots.length < cap; s++) {
        slots.push({ item: slotItem(channel.index, s), channelArn: channel.channelArn, channelIndex: channel.index });
      }
    }
  }
  return slots;
}

export function captionsOnlyReason(audioCapacity: number): string {
  if (audioCapacity === 0) return "The presenter offers captions only for this session: follow the text below.";
  return `Audio is full: this session carries audio to ${audioCapacity} listeners and every place is taken. You get live captions; reload later to try for audio.`;
}

export const NO_RELAY_ROOM_REASON =
  "Audio is full for now: the presenter's computer serves as many listeners as it can and no relay has room. You get live captions; reload in a minute to try for audio.";

export const SLOT_LOST_REASON =
  "You were away longer than your audio place is kept, and it went to another listener. You get live captions; reload later to try for audio.";

export type PoolPlan =
  /** Try these slots in order (the listener's own first, then free ones of the lowest channels). */
  | { readonly kind: "claim"; readonly candidates: readonly Slot[] }
  /** One more channel, mastered by the console (relayId absent) or by that relay. */
  | { readonly kind: "add-channel"; readonly index: number; readonly relayId?: string }
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
  relays: readonly RelayState[] = [],
): PoolPlan {
  if (limits.audioCapacity === 0) return { kind: "captions-only", reason: captionsOnlyReason(0) };
  const slots = poolSlots(channels, limits, relays, now);
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
  if (slots.length >= limits.audioCapacity)
    return { kind: "captions-only", reason: captionsOnlyReason(limits.audioCapacity) };
  const nextIndex = channels.length === 0 ? 0 : Math.max(...channels.map((c) => c.index)) + 1;
  const directOffered = channels.filter((c) => !isRelayChannel(c)).length * limits.viewersPerChannel;
  if (limits.directCapacity === undefined || directOffered < limits.directCapacity)
    return { kind: "add-channel", index: nextIndex };
  const relay = relayWithRoom(channels, relays, limits, now);
  if (!relay) return { kind: "captions-only", reason: NO_RELAY_ROOM_REASON };
  return { kind: "add-channel", index: nextIndex, relayId: relay.relayId };
}

/**
 * The serving relay with the most room for one more channel of this session: its capacity less
 * what it serves (its heartbeat) or offers here (its channels' slots), whichever is more.
 */
export function relayWithRoom(
  channels: readonly ChannelRecord[],
  relays: readonly RelayState[],
  limits: PoolLimits,
  now: number,
): RelayState | undefined {
  let best: { relay: RelayState; room: number } | undefined;
  for (const relay of [...relays].sort((a, b) => a.relayId.localeCompare(b.relayId))) {
    if (!relayServes(relay, now, limits)) continue;
    const offeredHere = channels.filter((c) => c.relayId === relay.relayId).length * limits.viewersPerChannel;
    const room = relay.capacity - Math.max(relay.listeners, offeredHere);
    if (room > 0 && (!best || room > best.room)) best = { relay, room };
  }
  return best?.relay;
}

/** The KVS channel name of pool channel `index` of a session (unique per deployment). */
export function poolChannelName(prefix: string, sessionId: string, index: number): string {
  return `${prefix}${sessionId}-${index}`;
}
