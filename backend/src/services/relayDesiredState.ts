import { type PoolLimits, type RelayState, relayServes, type SlotHold } from "./channelPool.js";

/**
 * What a relay should do for one session, from what the tables say (pure; the heartbeat
 * handler reads and presigns). A relay's listeners are those holding a slot on one of its
 * channels; each is assigned the language the session's viewer map gives it (listeners
 * connected with audio). One whose language is not known yet is left out: it is answered by
 * the relay anyway and assigned on a later heartbeat.
 */
export function relayViewers(
  relayChannelArns: ReadonlySet<string>,
  holds: readonly (SlotHold & { readonly channelArn: string })[],
  byViewer: Readonly<Record<string, string>>,
  now: number,
): Record<string, string> {
  const viewers: Record<string, string> = {};
  for (const hold of holds) {
    if (!relayChannelArns.has(hold.channelArn) || hold.heldUntil < now) continue;
    const language = byViewer[hold.listenerId];
    if (language) viewers[hold.listenerId] = language;
  }
  return viewers;
}

/** Channels whose grant the relay needs: those it does not run yet and those it asked to renew. */
export function channelsNeedingGrants(
  desired: readonly string[],
  running: readonly string[] | undefined,
  renew: readonly string[] | undefined,
): Set<string> {
  const have = new Set(running ?? []);
  const again = new Set(renew ?? []);
  return new Set(desired.filter((arn) => !have.has(arn) || again.has(arn)));
}

/** A registered relay as adoption needs it. */
export interface RelayWithSessions extends RelayState {
  readonly sessions: readonly string[];
}

/**
 * Relays whose channels another relay should take over: dead (no recent heartbeat) or
 * draining, and still holding sessions. The adopting relay masters the *same* channels, so a
 * listener's page, which reconnects to its channel with the grant it holds, is answered again
 * without a rejoin: its audio is back within one reconnect.
 */
export function relaysToReplace(
  relays: readonly RelayWithSessions[],
  adopterId: string,
  now: number,
  limits: PoolLimits,
): RelayWithSessions[] {
  return relays.filter((r) => r.relayId !== adopterId && r.sessions.length > 0 && !relayServes(r, now, limits));
}

/** How many more pool channels a relay can master: its capacity less its load, in channels. */
export function channelRoom(relay: RelayState, channelsHeld: number, viewersPerChannel: number): number {
  const used = Math.max(relay.listeners, channelsHeld * viewersPerChannel);
  return Math.max(0, Math.floor((relay.capacity - used) / viewersPerChannel));
}
