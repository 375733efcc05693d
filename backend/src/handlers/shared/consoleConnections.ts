import type { ConnectionRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";

/**
 * The session's console connections (a console may have reconnected: each open one counts),
 * from the coordination table's `consoles` item: one GetItem, not a read of the session's
 * connections, which with an audience is mostly listeners.
 */
export async function consoleConnections(deps: BackendDeps, sessionId: string): Promise<ConnectionRecord[]> {
  const open = await deps.stores.coordination.consoleConnections(sessionId);
  return open.map(({ connectionId, connectedAt }) => ({
    connectionId,
    sessionId,
    role: "console",
    connectedAt,
    // Not stored here: the connection's own row carries its TTL.
    expiresAt: 0,
  }));
}
