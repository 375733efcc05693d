import { randomBytes } from "node:crypto";
import { CreateSessionRequest, type SourceLanguageMessage, UpdateSessionRequest } from "@babelcast/protocol";
import { deleteTerminology } from "../../aws/sessionTerminologies.js";
import { deleteVocabulary, putVocabulary, vocabularyState } from "../../aws/transcribeVocabularies.js";
import { deleteVocabularyFilter, putVocabularyFilter } from "../../aws/transcribeVocabularyFilters.js";
import { ApiFailure, conflict, parseOrThrow } from "../../services/apiErrors.js";
import { glossaryVocabularyName, vocabularyPlan } from "../../services/glossaryVocabulary.js";
import { countListeners } from "../../services/listenerCounts.js";
import { generateSessionId } from "../../services/sessionIds.js";
import {
  applySessionUpdate,
  newSessionRecord,
  type SessionRecord,
  sessionLanguages,
  toSessionOwnerView,
  toSessionPublic,
} from "../../services/sessionRecords.js";
import { languagesAfterSourceChange } from "../../services/sourceLanguageChange.js";
import { vocabularyFilterName, vocabularyFilterPlan } from "../../services/wordFilter.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { ensureFirstChannel } from "../shared/channelPoolOps.js";
import { languagesWithListeners, publishToLanguage, publishToSession, sendToConsoles } from "../shared/fanout.js";
import { announceLifecycle } from "../shared/lifecycle.js";
import { enforceRateLimit, sessionsPerOwner } from "../shared/rateLimit.js";
import {
  type HttpEvent,
  type HttpResult,
  json,
  jsonBody,
  loadSession,
  ownerOf,
  requireOwnedSession,
  requireOwner,
  sessionIdParam,
} from "./httpRequest.js";
import { requireServableLanguages } from "./languagesHandler.js";

const ID_ATTEMPTS = 20;

async function ownerView(deps: BackendDeps, session: SessionRecord) {
  const counts =
    session.status === "ended"
      ? { byChannel: {} }
      : countListeners(await deps.stores.listeners.listBySession(session.sessionId));
  const view = toSessionOwnerView(session, deps.config.listenerUrl, counts.byChannel);
  const vocabulary = session.status !== "ended" && session.vocabulary?.phrasesKey ? session.vocabulary.name : undefined;
  if (!vocabulary) return view;
  try {
    const state = await vocabularyState(deps.clients.transcribe, vocabulary);
    return state ? { ...view, vocabulary: state } : view;
  } catch (err) {
    deps.log.warn("vocabulary state unknown", { vocabulary, error: String(err) });
    return view;
  }
}

/**
 * Keeps the session's Transcribe vocabulary in step with its glossary and source language.
 * A failure leaves the session as it is, without the glossary in recognition: the console
 * sees no READY vocabulary and says so.
 */
async function syncVocabulary(deps: BackendDeps, session: SessionRecord): Promise<SessionRecord> {
  const plan = vocabularyPlan(session);
  const name = glossaryVocabularyName(session.sessionId, deps.config.vocabularyNamePrefix);
  const key = plan?.key ?? "";
  if ((session.vocabulary?.phrasesKey ?? "") === key) return session;
  try {
    if (plan) await putVocabulary(deps.clients.transcribe, name, plan.languageCode, plan.phrases);
    else await deleteVocabulary(deps.clients.transcribe, name);
    return (await deps.stores.sessions.update(session.sessionId, { vocabulary: { name, phrasesKey: key } })) ?? session;
  } catch (err) {
    deps.log.warn("glossary vocabulary not updated", { sessionId: session.sessionId, error: String(err) });
    return session;
  }
}

/**
 * Keeps the session's Transcribe vocabulary filter in step with its word filter. A failure
 * leaves the session as it is: the console streams without the filter, and the backend still
 * filters every caption and translation itself.
 */
async function syncVocabularyFilter(deps: BackendDeps, session: SessionRecord): Promise<SessionRecord> {
  const plan = vocabularyFilterPlan(session);
  const name = vocabularyFilterName(session.sessionId, deps.config.vocabularyNamePrefix);
  const key = plan?.key ?? "";
  if ((session.vocabularyFilter?.wordsKey ?? "") === key) return session;
  try {
    if (plan) await putVocabularyFilter(deps.clients.transcribe, name, plan.languageCode, plan.words);
    else await deleteVocabularyFilter(deps.clients.transcribe, name);
    return (
      (await deps.stores.sessions.update(session.sessionId, { vocabularyFilter: { name, wordsKey: key } })) ?? session
    );
  } catch (err) {
    deps.log.warn("vocabulary filter not updated", { sessionId: session.sessionId, error: String(err) });
    return session;
  }
}

/** Both Transcribe resources of the session, in step with its glossary and word filter. */
async function syncRecognition(deps: BackendDeps, session: SessionRecord): Promise<SessionRecord> {
  return syncVocabularyFilter(deps, await syncVocabulary(deps, session));
}

/** `POST /sessions`: a new session with a fresh human-readable id and its first audio channel. */
export async function createSession(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const owner = await requireOwner(deps, event);
  const request = parseOrThrow(CreateSessionRequest, jsonBody(event), "the session");
  await requireServableLanguages(deps, request.sourceLanguage, request.targetLanguages);
  await enforceRateLimit(deps, sessionsPerOwner(deps), owner.ownerId);
  let record: SessionRecord | undefined;
  for (let i = 0; i < ID_ATTEMPTS && !record; i++) {
    const candidate = newSessionRecord(
      request,
      {
        sessionId: generateSessionId(deps.random),
        ownerId: owner.ownerId,
        passcodeSalt: randomBytes(12).toString("base64url"),
      },
      deps.now(),
    );
    if (await deps.stores.sessions.create(candidate)) record = candidate;
  }
  if (!record) throw new ApiFailure(503, "NoFreeId", "no free session id was found: try again");
  await announceLifecycle(deps, record, "created");
  record = await syncRecognition(deps, record);
  try {
    record = await ensureFirstChannel(deps, record);
  } catch (err) {
    // The session stands; the pool gets its first channel on the first join or console connect.
    deps.log.warn("first channel not created", { sessionId: record.sessionId, error: String(err) });
  }
  return json(201, await ownerView(deps, record));
}

/** `GET /sessions`: the caller's sessions, newest first. */
export async function listSessions(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const owner = await requireOwner(deps, event);
  const sessions = await deps.stores.sessions.listByOwner(owner.ownerId);
  return json(200, {
    sessions: sessions.map((s) => toSessionOwnerView(s, deps.config.listenerUrl, {})),
  });
}

/** `GET /sessions/{id}`: the owner's view for its owner, the public subset for anyone else. */
export async function getSession(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const session = await loadSession(deps, sessionIdParam(event));
  const owner = await ownerOf(deps, event);
  if (owner && owner.ownerId === session.ownerId) return json(200, await ownerView(deps, session));
  return json(200, toSessionPublic(session));
}

/**
 * The update as it applies to `session`: a new source language also moves the targets (the old
 * source joins them while listeners are on it), and the languages are checked against this home.
 */
async function effectiveUpdate(
  deps: BackendDeps,
  session: SessionRecord,
  update: UpdateSessionRequest,
): Promise<UpdateSessionRequest> {
  const next = update.sourceLanguage;
  if (next === undefined || next === session.sourceLanguage) {
    if (update.targetLanguages) await requireServableLanguages(deps, session.sourceLanguage, update.targetLanguages);
    return update;
  }
  const oldSourceListened = (await languagesWithListeners(deps, session)).includes(session.sourceLanguage);
  const languages = languagesAfterSourceChange(session, next, update.targetLanguages, oldSourceListened);
  await requireServableLanguages(deps, languages.sourceLanguage, languages.targetLanguages);
  return { ...update, ...languages };
}

/** Tells every listener (on the old languages and the new) and the console(s) that the source changed. */
async function announceSourceLanguage(deps: BackendDeps, before: SessionRecord, after: SessionRecord): Promise<void> {
  const notice: SourceLanguageMessage = {
    type: "source-language",
    sourceLanguage: after.sourceLanguage,
    previousLanguage: before.sourceLanguage,
    targetLanguages: [...after.targetLanguages],
  };
  const languages = new Set([...sessionLanguages(before), ...sessionLanguages(after)]);
  await Promise.all([
    ...[...languages].map((language) => publishToLanguage(deps, after.sessionId, language, notice)),
    sendToConsoles(deps, after.sessionId, notice),
  ]);
}

/** `PATCH /sessions/{id}`: source and target languages, glossary, word filter, voices, capacity, title, transcript visibility. */
export async function updateSession(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session } = await requireOwnedSession(deps, event);
  const update = parseOrThrow(UpdateSessionRequest, jsonBody(event), "the update");
  const changes = applySessionUpdate(session, await effectiveUpdate(deps, session, update), deps.now());
  // Conditional on the source read above: two consoles switching at once cannot both win.
  const updated = await deps.stores.sessions.update(session.sessionId, changes, false, {
    sourceLanguage: session.sourceLanguage,
  });
  if (!updated) {
    const now = await loadSession(deps, session.sessionId);
    if (now.status === "ended") throw conflict(`session ${session.sessionId} has ended and can no longer be changed`);
    throw conflict(
      `the source language was changed to ${now.sourceLanguage} meanwhile, so nothing was changed: look at the session again and retry`,
    );
  }
  if (updated.sourceLanguage !== session.sourceLanguage) await announceSourceLanguage(deps, session, updated);
  return json(200, await ownerView(deps, await syncRecognition(deps, updated)));
}

/** Ends a session: everyone is told, the audio channels and the glossary's terminology and vocabulary go, the transcript stays. */
export async function endSessionNow(
  deps: BackendDeps,
  session: SessionRecord,
  reason: "owner" | "cleanup" | "expired" = "owner",
): Promise<SessionRecord> {
  if (session.status === "ended") return session;
  const now = deps.now();
  const updated = await deps.stores.sessions.update(session.sessionId, {
    status: "ended",
    endedAt: now,
    updatedAt: now,
  });
  // Undefined: another request ended it first (and announced it).
  if (updated) await announceLifecycle(deps, updated, "ended", reason);
  const ended = updated ?? (await loadSession(deps, session.sessionId));
  const status = { type: "session-status", status: "ended", muted: ended.muted } as const;
  // Every language's listeners by its caption channel; the console(s) on their connection.
  await Promise.all([publishToSession(deps, ended, status), sendToConsoles(deps, session.sessionId, status)]);
  await Promise.all(
    [...ended.channels, ...(ended.uplink ? [ended.uplink] : [])].map((c) =>
      deps.channels
        .delete(c.channelArn)
        .catch((err) => deps.log.warn("channel not deleted", { channelArn: c.channelArn, error: String(err) })),
    ),
  );
  const terminology = ended.terminology?.name;
  if (terminology) {
    // One left behind (Translate down) is deleted later by the cleanup schedule as an orphan.
    await deleteTerminology(deps.clients.translate, terminology).catch((err) =>
      deps.log.warn("terminology not deleted", { terminology, error: String(err) }),
    );
  }
  const vocabulary = ended.vocabulary?.phrasesKey ? ended.vocabulary.name : undefined;
  if (vocabulary) {
    await deleteVocabulary(deps.clients.transcribe, vocabulary).catch((err) =>
      deps.log.warn("vocabulary not deleted", { vocabulary, error: String(err) }),
    );
  }
  const filter = ended.vocabularyFilter?.wordsKey ? ended.vocabularyFilter.name : undefined;
  if (filter) {
    await deleteVocabularyFilter(deps.clients.transcribe, filter).catch((err) =>
      deps.log.warn("vocabulary filter not deleted", { filter, error: String(err) }),
    );
  }
  return ended;
}

/** `DELETE /sessions/{id}`: ends the session (idempotent). */
export async function endSession(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session } = await requireOwnedSession(deps, event);
  const ended = await endSessionNow(deps, session);
  return json(200, toSessionOwnerView(ended, deps.config.listenerUrl, {}));
}
