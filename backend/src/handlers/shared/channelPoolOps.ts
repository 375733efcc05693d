import { ApiFailure, conflict } from "../../services/apiErrors.js";
import { planJoin, poolChannelName, SLOT_LOST_REASON, type Slot } from "../../services/channelPool.js";
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

/** Creates pool channel `index` and records it; returns the session as stored afterwards. */
export async function addPoolChannel(deps: BackendDeps, session: SessionRecord): Promise<SessionRecord> {
  const index = session.channels.length === 0 ? 0 : Math.max(...session.channels.map((c) => c.index)) + 1;
  const channelName = poolChannelName(deps.config.channelNamePrefix, session.sessionId, index);
  const channelArn = await deps.channels.create(channelName, session.sessionId);
  const updated = await deps.stores.sessions.addChannel(
    session.sessionId,
    { channelArn, channelName, index, createdAt: deps.now() },
    session.channels.length,
  );
  if (updated) {
    if (index > 0) await announceChannel(deps, session.sessionId, channelArn);
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

/** Tells the console to connect as master on a new channel. */
async function announceChannel(deps: BackendDeps, sessionId: string, channelArn: string): Promise<void> {
  try {
    const signaling = await deps.channels.grant(channelArn, "MASTER");
    await sendToConsoles(deps, sessionId, { type: "channel-added", signaling });
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
    return { status: "open", channels: [...(await addPoolChannel(deps, session)).channels] };
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
  };
  let current = session;
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    // Captions-only sessions need no look at the pool (and big audiences make that look costly).
    const holds = limits.audioCapacity === 0 ? [] : await deps.stores.coordination.listSlots(current.sessionId);
    const plan = planJoin(current.channels, holds, listenerId, limits, deps.now(), deps.random);
    if (plan.kind === "captions-only") return { decision: plan, session: current };
    if (plan.kind === "add-channel") {
      current = { ...current, channels: await deps.poolGrowth.grow(current) };
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
