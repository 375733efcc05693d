import type { ServerMessage } from "@babelcast/protocol";
import { countListeners } from "../../services/listenerCounts.js";
import type { ConnectionRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";

/** Parallel sends per fan-out: enough to fill the pipe, few enough not to exhaust sockets. */
const FANOUT_CONCURRENCY = 64;

/** Forgets a connection the gateway says is gone (its client vanished without a close). */
async function forgetConnection(deps: BackendDeps, connection: ConnectionRecord): Promise<void> {
  await deps.stores.connections.delete(connection.connectionId);
  if (connection.listenerId) {
    await deps.stores.listeners.setConnection(
      connection.sessionId,
      connection.listenerId,
      connection.connectionId,
      false,
      deps.now(),
    );
  }
}

/** Sends one message to many connections; returns how many received it. */
export async function sendToConnections(
  deps: BackendDeps,
  connections: readonly ConnectionRecord[],
  message: ServerMessage | Uint8Array,
): Promise<number> {
  let delivered = 0;
  const gone: ConnectionRecord[] = [];
  let next = 0;
  const worker = async () => {
    while (next < connections.length) {
      const c = connections[next++] as ConnectionRecord;
      try {
        if (await deps.sockets.send(c.connectionId, message)) delivered += 1;
        else gone.push(c);
      } catch (err) {
        deps.log.warn("post to connection failed", { connectionId: c.connectionId, error: String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FANOUT_CONCURRENCY, connections.length) }, worker));
  if (gone.length > 0) {
    await Promise.all(gone.map((c) => forgetConnection(deps, c)));
    if (gone.some((c) => c.role === "listener")) await deps.countsChanged(gone[0]?.sessionId ?? "");
  }
  return delivered;
}

export type ConnectionFilter = (c: ConnectionRecord) => boolean;

export const consoles: ConnectionFilter = (c) => c.role === "console";
export const listeners: ConnectionFilter = (c) => c.role === "listener";
export const listenersOf =
  (language: string): ConnectionFilter =>
  (c) =>
    c.role === "listener" && c.language === language;

/** Sends a message to the connections of a session that pass `filter`. */
export async function broadcast(
  deps: BackendDeps,
  sessionId: string,
  message: ServerMessage | Uint8Array,
  filter: ConnectionFilter = () => true,
): Promise<number> {
  const all = await deps.stores.connections.listBySession(sessionId);
  return sendToConnections(deps, all.filter(filter), message);
}

/** Current listener counts of a session (connected listeners only). */
export async function currentCounts(deps: BackendDeps, sessionId: string) {
  return countListeners(await deps.stores.listeners.listBySession(sessionId));
}

export async function publishListenerCounts(deps: BackendDeps, sessionId: string): Promise<void> {
  if (!sessionId) return;
  const counts = await currentCounts(deps, sessionId);
  await broadcast(deps, sessionId, { type: "listener-counts", ...counts }, consoles);
}
