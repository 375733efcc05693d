import type { ConnectionRecord, SessionRecord } from "../tables/records.js";
import { endSessionNow } from "./http/sessionsHandlers.js";
import { lambdaDeps } from "./lambda/lambdaDeps.js";
import type { BackendDeps } from "./shared/backendDeps.js";

/**
 * Scheduled cleanup (an EventBridge rule in the cloud stack): ends sessions nobody runs any
 * more, which deletes their KVS signaling channels (billed per channel-month otherwise).
 */

export interface CleanupPolicy {
  /** A session without a connected console and unchanged this long is stale. */
  readonly idleMs: number;
  /** A session older than this is ended even with a console connected. */
  readonly maxAgeMs: number;
}

export const DEFAULT_CLEANUP_POLICY: CleanupPolicy = {
  idleMs: 2 * 3600_000,
  maxAgeMs: 24 * 3600_000,
};

/** Whether a connection record still stands for an open socket (its TTL may lag behind). */
export function connectionOpen(connection: ConnectionRecord, now: number): boolean {
  return connection.expiresAt * 1000 > now;
}

/** The sessions to end: not ended, and either too old or idle without a console. */
export function selectStaleSessions(
  sessions: readonly SessionRecord[],
  hasConsole: (sessionId: string) => boolean,
  now: number,
  policy: CleanupPolicy = DEFAULT_CLEANUP_POLICY,
): SessionRecord[] {
  return sessions.filter((s) => {
    if (s.status === "ended") return false;
    if (now - s.createdAt >= policy.maxAgeMs) return true;
    return now - s.updatedAt >= policy.idleMs && !hasConsole(s.sessionId);
  });
}

export interface CleanupResult {
  readonly checked: number;
  readonly ended: readonly string[];
  readonly failed: readonly string[];
}

export async function cleanupStaleSessions(
  deps: BackendDeps,
  policy: CleanupPolicy = DEFAULT_CLEANUP_POLICY,
): Promise<CleanupResult> {
  const now = deps.now();
  const sessions = await deps.stores.sessions.listOpen();
  const withConsole = new Set<string>();
  for (const session of sessions) {
    const connections = await deps.stores.connections.listBySession(session.sessionId);
    if (connections.some((c) => c.role === "console" && connectionOpen(c, now))) withConsole.add(session.sessionId);
  }
  const stale = selectStaleSessions(sessions, (id) => withConsole.has(id), now, policy);
  const ended: string[] = [];
  const failed: string[] = [];
  for (const session of stale) {
    try {
      await endSessionNow(deps, session, "cleanup");
      ended.push(session.sessionId);
    } catch (err) {
      failed.push(session.sessionId);
      deps.log.error("stale session not ended", { sessionId: session.sessionId, error: String(err) });
    }
  }
  deps.log.info("cleanup done", { checked: sessions.length, ended, failed });
  return { checked: sessions.length, ended, failed };
}

/** Lambda entry of the cleanup schedule. */
export async function handler(): Promise<CleanupResult> {
  return cleanupStaleSessions(await lambdaDeps());
}
