import type { ListenerCountsMessage } from "@babelcast/protocol";
import { slotHeldUntil } from "../../services/channelPool.js";
import { countersOf, countListeners, countsDiffer, countsFromCounters } from "../../services/listenerCounts.js";
import type { ConnectionRecord, ListenerRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";
import { postToEach } from "./connectionSend.js";
import { consoleConnections } from "./consoleConnections.js";

/**
 * A listener coming and going: its row, its audio slot's hold (kept while connected, for the
 * grace period after), and the versioned counts the console gets.
 */

/** Moves the listener's slot hold to match its connection; a slot lost meanwhile stays lost. */
export async function holdListenerSlot(deps: BackendDeps, listener: ListenerRecord): Promise<void> {
  if (!listener.slotItem) return;
  const now = deps.now();
  const heldUntil = slotHeldUntil(listener.connected, now, deps.config.limits.slotGraceSeconds * 1000);
  await deps.stores.coordination.holdSlot(listener.sessionId, listener.slotItem, listener.listenerId, heldUntil, now);
}

/** The listener's WebSocket opened: it counts again (when it did not already). */
export async function listenerConnected(
  deps: BackendDeps,
  sessionId: string,
  listenerId: string,
  connectionId: string,
): Promise<void> {
  const change = await deps.stores.listeners.setConnection(sessionId, listenerId, connectionId, true, deps.now());
  if (change.after) await holdListenerSlot(deps, change.after);
  if (change.countsVersion !== undefined) await pushListenerCounts(deps, sessionId, change.countsVersion);
}

/**
 * The listener's connection closed (or the gateway says it is gone). Returns the counts version
 * its change took (undefined: the counts did not change, e.g. it is on a newer connection, or
 * this disconnect was seen before).
 */
export async function listenerDisconnected(
  deps: BackendDeps,
  connection: ConnectionRecord,
): Promise<number | undefined> {
  if (!connection.listenerId) return undefined;
  const change = await deps.stores.listeners.setConnection(
    connection.sessionId,
    connection.listenerId,
    connection.connectionId,
    false,
    deps.now(),
  );
  if (change.after) await holdListenerSlot(deps, change.after);
  return change.countsVersion;
}

/** Forgets connections the gateway says are gone (their clients vanished without a close). */
export async function forgetConnections(deps: BackendDeps, gone: readonly ConnectionRecord[]): Promise<void> {
  if (gone.length === 0) return;
  const newest = new Map<string, number>();
  await Promise.all(
    gone.map(async (c) => {
      await deps.stores.connections.delete(c.connectionId);
      if (c.role === "console") await deps.stores.coordination.removeConsoleConnection(c.sessionId, c.connectionId);
      const version = await listenerDisconnected(deps, c);
      if (version !== undefined) newest.set(c.sessionId, Math.max(version, newest.get(c.sessionId) ?? 0));
    }),
  );
  for (const [sessionId, version] of newest) await pushListenerCounts(deps, sessionId, version);
}

/**
 * The session's listener counts as stored now: the counters and viewer map (two GetItems, not a
 * read of every listener), with the version the counters carry.
 */
export async function listenerCountsMessage(deps: BackendDeps, sessionId: string): Promise<ListenerCountsMessage> {
  const stored = await deps.stores.coordination.readCounts(sessionId);
  return { type: "listener-counts", version: stored.version, ...countsFromCounters(stored.counters, stored.byViewer) };
}

/**
 * Listener counts changed (the change took counts version `version`): pushes them to the
 * session's console. The counts are read after the change, in the same item as their version,
 * so whichever container's push lands last, the console keeps the one with the highest version,
 * which is the newest state. With `countsDebounceMs`, a push waits that long and gives way when
 * a newer change came meanwhile (its own push follows): a join burst becomes few pushes without
 * any timer outliving the call.
 */
export async function pushListenerCounts(deps: BackendDeps, sessionId: string, version: number): Promise<void> {
  const quietMs = deps.config.limits.countsDebounceMs;
  if (quietMs > 0) {
    await deps.sleep(quietMs);
    if ((await deps.stores.coordination.countsVersion(sessionId)) !== version) return;
  }
  const [message, consoles] = await Promise.all([
    listenerCountsMessage(deps, sessionId),
    consoleConnections(deps, sessionId),
  ]);
  const { gone } = await postToEach(deps, consoles, message);
  // A console that vanished: forget it (no listener counts change).
  await Promise.all(
    gone.map(async (c) => {
      await deps.stores.connections.delete(c.connectionId);
      await deps.stores.coordination.removeConsoleConnection(sessionId, c.connectionId);
    }),
  );
}

/**
 * Corrects drift of the session's counters (a container that stopped between a listener row's
 * write and its counters): recounts from the listener rows and replaces the counters and viewer
 * map when they differ, unless a listener change landed meanwhile (then the next run looks
 * again). O(listeners), so only the scheduled cleanup calls it. Returns whether it corrected.
 */
export async function reconcileListenerCounts(deps: BackendDeps, sessionId: string): Promise<boolean> {
  const seen = await deps.stores.coordination.readCounts(sessionId);
  const recount = countListeners(await deps.stores.listeners.listBySession(sessionId));
  const stored = countsFromCounters(seen.counters, seen.byViewer);
  if (!countsDiffer(stored, recount)) return false;
  const now = deps.now();
  // The viewers first: the corrected counters' new version then covers them for the console.
  const viewersDiffer =
    JSON.stringify(Object.entries(stored.byViewer).sort()) !== JSON.stringify(Object.entries(recount.byViewer).sort());
  if (viewersDiffer && !(await deps.stores.coordination.replaceViewers(sessionId, seen, recount.byViewer, now)))
    return false;
  const version = await deps.stores.coordination.replaceCounts(sessionId, seen, countersOf(recount), now);
  if (version === undefined) return false;
  deps.log.info("listener counts corrected", { sessionId, stored, recount });
  await pushListenerCounts(deps, sessionId, version);
  return true;
}
