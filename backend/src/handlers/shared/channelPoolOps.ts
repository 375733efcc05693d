import { conflict } from "../../services/apiErrors.js";
import { assignSlot, captionsOnlyReason, type PoolDecision, poolChannelName } from "../../services/channelPool.js";
import type { SessionRecord } from "../../services/sessionRecords.js";
import type { ListenerRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";
import { broadcast, consoles } from "./fanout.js";

/**
 * The channel pool's I/O: creating channels (at most one per pool size, even when joins
 * race), assigning listeners, telling the console about new channels.
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
    await broadcast(deps, sessionId, { type: "channel-added", signaling }, consoles);
  } catch (err) {
    deps.log.warn("channel-added not sent", { sessionId, channelArn, error: String(err) });
  }
}

/** The session with at least one channel, so the console can connect as master before anyone joins. */
export async function ensureFirstChannel(deps: BackendDeps, session: SessionRecord): Promise<SessionRecord> {
  return session.channels.length > 0 ? session : addPoolChannel(deps, session);
}

function slotView(l: ListenerRecord) {
  return {
    listenerId: l.listenerId,
    ...(l.channelArn ? { channelArn: l.channelArn } : {}),
    connected: l.connected,
    lastActiveAt: l.lastActiveAt,
  };
}

type Assignment = { decision: Exclude<PoolDecision, { kind: "add-channel" }>; session: SessionRecord };

/**
 * Joins of one session are decided one at a time within a process (the embedded server, a
 * warm Lambda container), so two listeners never take the same last slot of a channel.
 */
const sessionQueues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = sessionQueues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  sessionQueues.set(key, next);
  void next
    .catch(() => undefined)
    .finally(() => {
      if (sessionQueues.get(key) === next) sessionQueues.delete(key);
    });
  return next;
}

/**
 * Decides a listener's channel, growing the pool when every channel is full, and writes the
 * listener (built by `write` from the decision) before the next join of the session is decided.
 */
export function assignAndWriteListener(
  deps: BackendDeps,
  session: SessionRecord,
  listenerId: string,
  write: (assignment: Assignment) => Promise<void>,
): Promise<Assignment> {
  return oneAtATime(session.sessionId, async () => {
    const assignment = await assignListener(deps, session, listenerId);
    await write(assignment);
    return assignment;
  });
}

/** Decides a listener's channel, growing the pool when every channel is full. */
async function assignListener(deps: BackendDeps, session: SessionRecord, listenerId: string): Promise<Assignment> {
  // Captions-only sessions need no look at the pool (and big audiences make that look costly).
  if (session.audioCapacity === 0) {
    return { decision: { kind: "captions-only", reason: captionsOnlyReason(0) }, session };
  }
  let current = session;
  for (let attempt = 0; attempt < 4; attempt++) {
    const listeners = await deps.stores.listeners.listBySession(current.sessionId);
    const decision = assignSlot(
      { channels: current.channels, listeners: listeners.map(slotView) },
      listenerId,
      {
        audioCapacity: current.audioCapacity,
        viewersPerChannel: deps.config.limits.viewersPerChannel,
        slotGraceMs: deps.config.limits.slotGraceSeconds * 1000,
      },
      deps.now(),
    );
    if (decision.kind !== "add-channel") return { decision, session: current };
    current = await addPoolChannel(deps, current);
  }
  throw conflict("the audio channels are being rearranged: try joining again in a moment");
}
