import { deleteTerminology, listTerminologies, type StoredTerminology } from "../aws/sessionTerminologies.js";
import { deleteVocabulary, listVocabularies } from "../aws/transcribeVocabularies.js";
import { deleteVocabularyFilter, listVocabularyFilters } from "../aws/transcribeVocabularyFilters.js";
import type { ConnectionRecord, SessionRecord } from "../tables/records.js";
import { endSessionNow } from "./http/sessionsHandlers.js";
import { lambdaDeps } from "./lambda/lambdaDeps.js";
import type { BackendDeps } from "./shared/backendDeps.js";
import { reconcileListenerCounts } from "./shared/listenerPresence.js";

/**
 * Scheduled cleanup (an EventBridge rule in the cloud stack): ends sessions nobody runs any
 * more, which deletes their KVS signaling channels (billed per channel-month otherwise), then
 * deletes the session terminologies, vocabularies and vocabulary filters an ending left behind
 * (Translate and Transcribe count them against quotas).
 */

export interface CleanupPolicy {
  /** A session without a connected console and unchanged this long is stale. */
  readonly idleMs: number;
  /** A session older than this is ended even with a console connected. */
  readonly maxAgeMs: number;
  /** A terminology, vocabulary or vocabulary filter of an ended or unknown session is deleted once it is this old (never one being made). */
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
 * The terminologies (or vocabularies) to delete: named with this deployment's prefix (other
 * deployments and other tools share the account), old enough, and belonging to a session
 * that ended or does not exist. One without a creation time is left alone.
 */
export async function selectOrphans(
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
  /** Live sessions whose listener counters drifted from their listener rows and were corrected. */
  readonly countsCorrected: readonly string[];
  readonly terminologiesDeleted: readonly string[];
  readonly vocabulariesDeleted: readonly string[];
  readonly vocabularyFiltersDeleted: readonly string[];
}

async function deleteOrphans(
  deps: BackendDeps,
  policy: CleanupPolicy,
  kind: string,
  found: readonly StoredTerminology[],
  prefix: string,
  remove: (name: string) => Promise<void>,
): Promise<string[]> {
  const statusOf: SessionStatusOf = async (sessionId) => (await deps.stores.sessions.get(sessionId))?.status;
  const deleted: string[] = [];
  for (const name of await selectOrphans(found, prefix, statusOf, deps.now(), policy)) {
    try {
      await remove(name);
      deleted.push(name);
    } catch (err) {
      deps.log.warn(`orphan ${kind} not deleted`, { name, error: String(err) });
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
  // Sessions that go on: their listener counters are corrected from a recount if they drifted.
  const countsCorrected: string[] = [];
  for (const session of sessions) {
    if (ended.includes(session.sessionId) || failed.includes(session.sessionId)) continue;
    try {
      if (await reconcileListenerCounts(deps, session.sessionId)) countsCorrected.push(session.sessionId);
    } catch (err) {
      deps.log.warn("listener counts not reconciled", { sessionId: session.sessionId, error: String(err) });
    }
  }
  const { translate, transcribe } = deps.clients;
  const { terminologyNamePrefix, vocabularyNamePrefix } = deps.config;
  let terminologiesDeleted: string[] = [];
  try {
    terminologiesDeleted = await deleteOrphans(
      deps,
      policy,
      "terminology",
      await listTerminologies(translate),
      terminologyNamePrefix,
      (name) => deleteTerminology(translate, name),
    );
  } catch (err) {
    deps.log.error("orphan terminologies not listed", { error: String(err) });
  }
  let vocabulariesDeleted: string[] = [];
  try {
    vocabulariesDeleted = await deleteOrphans(
      deps,
      policy,
      "vocabulary",
      await listVocabularies(transcribe, vocabularyNamePrefix),
      vocabularyNamePrefix,
      (name) => deleteVocabulary(transcribe, name),
    );
  } catch (err) {
    deps.log.error("orphan vocabularies not listed", { error: String(err) });
  }
  let vocabularyFiltersDeleted: string[] = [];
  try {
    vocabularyFiltersDeleted = await deleteOrphans(
      deps,
      policy,
      "vocabulary filter",
      await listVocabularyFilters(transcribe, vocabularyNamePrefix),
      vocabularyNamePrefix,
      (name) => deleteVocabularyFilter(transcribe, name),
    );
  } catch (err) {
    deps.log.error("orphan vocabulary filters not listed", { error: String(err) });
  }
  const result = {
    checked: sessions.length,
    ended,
    failed,
    countsCorrected,
    terminologiesDeleted,
    vocabulariesDeleted,
    vocabularyFiltersDeleted,
  };
  deps.log.info("cleanup done", result);
  return result;
}

/** Lambda entry of the cleanup schedule. */
export async function handler(): Promise<CleanupResult> {
  return cleanupStaleSessions(await lambdaDeps());
}
