import { deleteTerminology, listTerminologies, type StoredTerminology } from "../aws/sessionTerminologies.js";
import type { ConnectionRecord, SessionRecord } from "../tables/records.js";
import { endSessionNow } from "./http/sessionsHandlers.js";
import { lambdaDeps } from "./lambda/lambdaDeps.js";
import type { BackendDeps } from "./shared/backendDeps.js";

/**
 * Scheduled cleanup (an EventBridge rule in the cloud stack): ends sessions nobody runs any
 * more, which deletes their KVS signaling channels (billed per channel-month otherwise), then
 * deletes the session terminologies an ending left behind (Translate counts them against a quota).
 */

export interface CleanupPolicy {
  /** A session without a connected console and unchanged this long is stale. */
  readonly idleMs: number;
  /** A session older than this is ended even with a console connected. */
  readonly maxAgeMs: number;
  /** A terminology of an ended or unknown session is deleted once it is this old (never one being imported). */
  readonly orphanTerminologyAgeMs: number;
}

export const DEFAULT_CLEANUP_POLICY: CleanupPolicy = {
  idleMs: 2 * 3600_000,
  maxAgeMs: 24 * 3600_000,
  orphanTerminologyAgeMs: 3600_000,
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

/** What the session a terminology name stands for has become: undefined when no such session exists. */
export type SessionStatusOf = (sessionId: string) => Promise<SessionRecord["status"] | undefined>;

/**
 * The terminologies to delete: named with this deployment's prefix (other deployments and
 * other tools share the account), old enough, and belonging to a session that ended or
 * does not exist. One without a creation time is left alone.
 */
export async function selectOrphanTerminologies(
  terminologies: readonly StoredTerminology[],
  prefix: string,
  statusOf: SessionStatusOf,
  now: number,
  policy: CleanupPolicy = DEFAULT_CLEANUP_POLICY,
): Promise<string[]> {
  const orphans: string[] = [];
  for (const t of terminologies) {
    if (!t.name.startsWith(prefix) || t.createdAt === undefined) continue;
    if (now - t.createdAt < policy.orphanTerminologyAgeMs) continue;
    const status = await statusOf(t.name.slice(prefix.length));
    if (status === undefined || status === "ended") orphans.push(t.name);
  }
  return orphans;
}

export interface CleanupResult {
  readonly checked: number;
  readonly ended: readonly string[];
  readonly failed: readonly string[];
  readonly terminologiesDeleted: readonly string[];
}

async function deleteOrphanTerminologies(deps: BackendDeps, policy: CleanupPolicy): Promise<string[]> {
  const client = deps.clients.translate;
  const orphans = await selectOrphanTerminologies(
    await listTerminologies(client),
    deps.config.terminologyNamePrefix,
    async (sessionId) => (await deps.stores.sessions.get(sessionId))?.status,
    deps.now(),
    policy,
  );
  const deleted: string[] = [];
  for (const name of orphans) {
    try {
      await deleteTerminology(client, name);
      deleted.push(name);
    } catch (err) {
      deps.log.warn("orphan terminology not deleted", { terminology: name, error: String(err) });
    }
  }
  return deleted;
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
  let terminologiesDeleted: string[] = [];
  try {
    terminologiesDeleted = await deleteOrphanTerminologies(deps, policy);
  } catch (err) {
    deps.log.error("orphan terminologies not listed", { error: String(err) });
  }
  deps.log.info("cleanup done", { checked: sessions.length, ended, failed, terminologiesDeleted });
  return { checked: sessions.length, ended, failed, terminologiesDeleted };
}

/** Lambda entry of the cleanup schedule. */
export async function handler(): Promise<CleanupResult> {
  return cleanupStaleSessions(await lambdaDeps());
}
