import { ApiFailure, conflict } from "../../services/apiErrors.js";
import {
  isRelayChannel,
  planJoin,
  poolChannelName,
  type RelayState,
  SLOT_LOST_REASON,
  type Slot,
} from "../../services/channelPool.js";
import type { PoolGrowthRequest, PoolGrowthResult } from "../../services/poolGrowthRequests.js";
import type { SessionRecord } from "../../services/sessionRecords.js";
import type { BackendDeps } from "./backendDeps.js";
import { sendToConsoles } from "./fanout.js";

/**
 * The channel pool's I/O: creating channels (at most one per pool size, even when joins
 * race), claiming audio slots, telling the console about new channels. Every decision is
 * made from what DynamoDB says and applied by a conditional write, so joins running in
 * different containers at once never overfill a channel. Creating channels and telling the
 * console are the owner side's and the pool-growth function's: the public join asks the latter
 * (`deps.poolGrowth`).
 */

/**
 * Creates pool channel `index` and records it; returns the session as stored afterwards. A
 * relay's channel (`relayId`) needs the session's uplink first, and is the relay's to master
 * (its next heartbeat hands it the grant), so the console is not told about it.
 */
export async function addPoolChannel(
  deps: BackendDeps,
  session: SessionRecord,
  relayId?: string,
): Promise<SessionRecord> {
  const base = relayId ? await ensureUplink(deps, session) : session;
  if (relayId && !(await deps.stores.relays.addSession(relayId, session.sessionId, deps.now()))) {
    // The relay's registration expired since the join looked: the next round plans again.
    return base;
  }
  const index = base.channels.length === 0 ? 0 : Math.max(...base.channels.map((c) => c.index)) + 1;
  const channelName = poolChannelName(deps.config.channelNamePrefix, session.sessionId, index);
  const channelArn = await deps.channels.create(channelName, session.sessionId);
  const updated = await deps.stores.sessions.addChannel(
    session.sessionId,
    {
      channelArn,
      channelName,
      index,
      createdAt: deps.now(),
      ...(relayId ? { host: "relay" as const, relayId } : {}),
    },
    base.channels.length,
  );
  if (updated) {
    if (index > 0 && !relayId) await announceChannel(deps, session.sessionId, channelArn);
    return updated;
  }
  // Another join added a channel first (or the session ended): use what is stored now.
  const current = await deps.stores.sessions.get(session.sessionId);
  if (!current || current.status === "ended") {
    await deps.channels.delete(channelArn).catch(() => undefined);
    throw conflict(`session ${session.sessionId} has ended`);
  }
  if (!current.channels.some((c) => c.channelArn === channelArn)) {
    await deps.channels.delete(channelArn).catch(() => undefined);
  }
  return current;
}

/** The uplink channel's name: beside the pool's (`…-<index>`), never one of them. */
export function uplinkChannelName(prefix: string, sessionId: string): string {
  return `${prefix}${sessionId}-uplink`;
}

/**
 * The session with its uplink channel (relays are KVS viewers of it, the console its master),
 * made and announced to the console once, whichever join gets there first.
 */
export async function ensureUplink(deps: BackendDeps, session: SessionRecord): Promise<SessionRecord> {
  if (session.uplink) return session;
  const channelName = uplinkChannelName(deps.config.channelNamePrefix, session.sessionId);
  const channelArn = await deps.channels.create(channelName, session.sessionId);
  const updated = await deps.stores.sessions.setUplink(session.sessionId, {
    channelArn,
    channelName,
    index: 0,
    createdAt: deps.now(),
  });
  if (updated) {
    await announceChannel(deps, session.sessionId, channelArn, "uplink");
    return updated;
  }
  // Another join made it first (the same name: KVS returned that channel), or the session ended.
  const current = await deps.stores.sessions.get(session.sessionId);
  if (!current || current.status === "ended") throw conflict(`session ${session.sessionId} has ended`);
  if (current.uplink?.channelArn !== channelArn) await deps.channels.delete(channelArn).catch(() => undefined);
  return current;
}

/** Tells the console to connect as master on a new channel (a pool channel, or the relays' uplink). */
async function announceChannel(
  deps: BackendDeps,
  sessionId: string,
  channelArn: string,
  purpose?: "uplink",
): Promise<void> {
  try {
    const signaling = await deps.channels.grant(channelArn, "MASTER");
    await sendToConsoles(deps, sessionId, { type: "channel-added", signaling, ...(purpose ? { purpose } : {}) });
  } catch (err) {
    deps.log.warn("channel-added not sent", { sessionId, channelArn, error: String(err) });
  }
}

/** The session with at least one channel, so the console can connect as master before anyone joins. */
export async function ensureFirstChannel(deps: BackendDeps, session: SessionRecord): Promise<SessionRecord> {
  return session.channels.length > 0 ? session : addPoolChannel(deps, session);
}

/**
 * The pool-growth function's work: one more channel (announced to the console) while the pool
 * still has the channels the join saw; otherwise the channels as they are now.
 */
export async function growPool(deps: BackendDeps, request: PoolGrowthRequest): Promise<PoolGrowthResult> {
  const session = await deps.stores.sessions.get(request.sessionId);
  if (!session || session.status === "ended") return { status: "ended" };
  // Another join grew the pool since this one looked: that channel serves it too.
  if (session.channels.length !== request.expectedChannelCount)
    return { status: "open", channels: [...session.channels] };
  try {
    return { status: "open", channels: [...(await addPoolChannel(deps, session, request.relayId)).channels] };
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 409) return { status: "ended" };
    throw err;
  }
}

export type SlotDecision =
  | { readonly kind: "slot"; readonly slot: Slot }
  | { readonly kind: "captions-only"; readonly reason: string };

/**
 * Rounds of (read holds → claim, or grow the pool) before a join gives up: each lost round
 * means other joins got slots or channels, so a crowd arriving at once needs a few per channel.
 */
const CLAIM_ROUNDS = 30;

/**
 * Claims an audio slot for a listener (its own again on a rejoin, else a free one, growing the
 * pool when every slot is held), held until `heldUntil`. Returns the session as last read.
 */
export async function claimAudioSlot(
  deps: BackendDeps,
  session: SessionRecord,
  listenerId: string,
  heldUntil: number,
): Promise<{ decision: SlotDecision; session: SessionRecord }> {
  const limits = {
    audioCapacity: session.audioCapacity,
    viewersPerChannel: deps.config.limits.viewersPerChannel,
    slotGraceMs: deps.config.limits.slotGraceSeconds * 1000,
    directCapacity: deps.config.limits.directCapacity,
    relayDeadAfterMs: deps.config.limits.relayDeadAfterSeconds * 1000,
  };
  let current = session;
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    // Captions-only sessions need no look at the pool (and big audiences make that look costly).
    const holds = limits.audioCapacity === 0 ? [] : await deps.stores.coordination.listSlots(current.sessionId);
    // The registry is read only once relays matter: relay channels exist or the console is full.
    const consoleSlots = current.channels.filter((c) => !isRelayChannel(c)).length * limits.viewersPerChannel;
    const relays: RelayState[] =
      limits.audioCapacity > 0 &&
      (consoleSlots >= limits.directCapacity || current.channels.some((c) => isRelayChannel(c)))
        ? await deps.stores.relays.list()
        : [];
    const plan = planJoin(current.channels, holds, listenerId, limits, deps.now(), deps.random, relays);
    if (plan.kind === "captions-only") return { decision: plan, session: current };
    if (plan.kind === "add-channel") {
      current = { ...current, channels: await deps.poolGrowth.grow(current, plan.relayId) };
      continue;
    }
    for (const slot of plan.candidates) {
      const claim = await deps.stores.coordination.claimSlot(
        current.sessionId,
        { item: slot.item, listenerId, channelArn: slot.channelArn, heldUntil },
        deps.now(),
      );
      if (!claim.claimed) continue;
      if (claim.previousHolder) {
        await deps.stores.listeners.dropSlot(
          current.sessionId,
          claim.previousHolder,
          slot.item,
          SLOT_LOST_REASON,
          deps.now(),
        );
      }
      return { decision: { kind: "slot", slot }, session: current };
    }
    // Every slot seen free was taken meanwhile: step back a little so racing joins spread out.
    await deps.sleep(deps.random() * 20);
  }
  throw conflict("the audio channels are being rearranged: try joining again in a moment");
}
