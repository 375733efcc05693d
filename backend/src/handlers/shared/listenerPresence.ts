import type { ListenerCountsMessage } from "@babelcast/protocol";
import { slotHeldUntil } from "../../services/channelPool.js";
import { countListeners } from "../../services/listenerCounts.js";
import type { ConnectionRecord, ListenerRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";
import { postToEach } from "./connectionSend.js";

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

export async function listenerConnected(
  deps: BackendDeps,
  sessionId: string,
  listenerId: string,
  connectionId: string,
): Promise<void> {
  const listener = await deps.stores.listeners.setConnection(sessionId, listenerId, connectionId, true, deps.now());
  if (listener) await holdListenerSlot(deps, listener);
  await pushListenerCounts(deps, sessionId);
}

/** The listener's connection closed (or the gateway says it is gone). */
export async function listenerDisconnected(deps: BackendDeps, connection: ConnectionRecord): Promise<void> {
  if (!connection.listenerId) return;
  const listener = await deps.stores.listeners.setConnection(
    connection.sessionId,
    connection.listenerId,
    connection.connectionId,
    false,
    deps.now(),
  );
  if (listener) await holdListenerSlot(deps, listener);
}

/** Forgets connections the gateway says are gone (their clients vanished without a close). */
export async function forgetConnections(deps: BackendDeps, gone: readonly ConnectionRecord[]): Promise<void> {
  if (gone.length === 0) return;
  await Promise.all(
    gone.map(async (c) => {
      await deps.stores.connections.delete(c.connectionId);
      await listenerDisconnected(deps, c);
    }),
  );
  const sessions = new Set(gone.filter((c) => c.role === "listener").map((c) => c.sessionId));
  for (const sessionId of sessions) await pushListenerCounts(deps, sessionId);
}

/** The session's listener counts as of now, with `version` (read before the counts, so they are at least that new). */
export async function listenerCountsMessage(
  deps: BackendDeps,
  sessionId: string,
  version: number,
): Promise<ListenerCountsMessage> {
  const counts = countListeners(await deps.stores.listeners.listBySession(sessionId));
  return { type: "listener-counts", version, ...counts };
}

/**
 * Listener counts changed: pushes them to the session's console. Each push takes a new version
 * from DynamoDB before it reads the counts, so whichever container's push lands last, the
 * console keeps the one with the highest version, which read the newest state. With
 * `countsDebounceMs`, a push waits that long and gives way when a newer change came meanwhile
 * (its own push follows): a join burst becomes few pushes without any timer outliving the call.
 */
export async function pushListenerCounts(deps: BackendDeps, sessionId: string): Promise<void> {
  const version = await deps.stores.coordination.nextCountsVersion(sessionId, deps.now());
  const quietMs = deps.config.limits.countsDebounceMs;
  if (quietMs > 0) {
    await deps.sleep(quietMs);
    if ((await deps.stores.coordination.countsVersion(sessionId)) !== version) return;
  }
  const [message, connections] = await Promise.all([
    listenerCountsMessage(deps, sessionId, version),
    deps.stores.connections.listBySession(sessionId),
  ]);
  const { gone } = await postToEach(
    deps,
    connections.filter((c) => c.role === "console"),
    message,
  );
  // A console that vanished: forget its row (no listener counts change).
  await Promise.all(gone.map((c) => deps.stores.connections.delete(c.connectionId)));
}
