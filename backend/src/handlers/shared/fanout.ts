import type { ServerMessage } from "@babelcast/protocol";
import type { ConnectionRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";
import { postToEach } from "./connectionSend.js";
import { forgetConnections } from "./listenerPresence.js";

/** Sends one message to many connections, forgetting those that are gone; returns how many received it. */
export async function sendToConnections(
  deps: BackendDeps,
  connections: readonly ConnectionRecord[],
  message: ServerMessage,
): Promise<number> {
  const { delivered, gone } = await postToEach(deps, connections, message);
  await forgetConnections(deps, gone);
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
  message: ServerMessage,
  filter: ConnectionFilter = () => true,
): Promise<number> {
  const all = await deps.stores.connections.listBySession(sessionId);
  return sendToConnections(deps, all.filter(filter), message);
}
