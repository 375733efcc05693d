import { randomBytes } from "node:crypto";
import { type JoinAudio, JoinRequest, RefreshRequest } from "@babelcast/protocol";
import { badRequest, conflict, forbidden, notFound, parseOrThrow, unauthorized } from "../../services/apiErrors.js";
import { slotHeldUntil } from "../../services/channelPool.js";
import { createListenerToken, tokenFailureMessage, verifyListenerToken } from "../../services/listenerTokens.js";
import {
  passcodeMatches,
  type SessionRecord,
  sessionLanguages,
  toSessionPublic,
} from "../../services/sessionRecords.js";
import type { ListenerRecord } from "../../tables/records.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { claimAudioSlot } from "../shared/channelPoolOps.js";
import { holdListenerSlot } from "../shared/listenerPresence.js";
import { enforceRateLimit, joinsPerIp } from "../shared/rateLimit.js";
import {
  type HttpEvent,
  type HttpResult,
  json,
  jsonBody,
  loadSession,
  pathParam,
  sessionIdParam,
  sourceIp,
} from "./httpRequest.js";

function newListenerId(): string {
  return `l-${randomBytes(12).toString("base64url")}`;
}

function issueToken(deps: BackendDeps, sessionId: string, listenerId: string): string {
  const exp = deps.now() + deps.config.limits.listenerTokenTtlSeconds * 1000;
  return createListenerToken({ s: sessionId, l: listenerId, exp }, deps.config.listenerTokenSecret);
}

/** Keeps listener rows a day past their last activity (DynamoDB TTL). */
function listenerExpiry(deps: BackendDeps): number {
  return Math.ceil(deps.now() / 1000) + 86_400;
}

async function audioFor(deps: BackendDeps, listener: ListenerRecord, session: SessionRecord): Promise<JoinAudio> {
  if (!listener.channelArn || !session.channels.some((c) => c.channelArn === listener.channelArn)) {
    return {
      mode: "captions-only",
      reason: listener.captionsOnlyReason ?? "Audio is not available: follow the captions.",
    };
  }
  return { mode: "webrtc", signaling: await deps.channels.grant(listener.channelArn, "VIEWER", listener.listenerId) };
}

/** Why a caption screen's join has no audio: it asked for none. */
const CAPTION_SCREEN_REASON = "A caption screen shows captions only.";

function checkLanguage(session: SessionRecord, language: string): void {
  const offered = sessionLanguages(session);
  if (!offered.includes(language)) {
    throw badRequest(`language ${language} is not offered in this session: choose one of ${offered.join(", ")}`);
  }
}

/** `POST /sessions/{id}/listeners`: a listener joins (or rejoins with its id and token). */
export async function joinSession(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const sessionId = sessionIdParam(event);
  const request = parseOrThrow(JoinRequest, jsonBody(event), "the join request");
  const session = await loadSession(deps, sessionId);
  if (session.status === "ended") throw conflict("this session has ended: thank you for listening");
  // Counted before the passcode is checked, so passcode guesses are limited like joins.
  await enforceRateLimit(deps, joinsPerIp(deps), sourceIp(event));
  if (!(await passcodeMatches(session, request.passcode))) {
    throw forbidden(request.passcode ? "the passcode is wrong: ask the presenter" : "this session needs a passcode");
  }
  checkLanguage(session, request.language);

  let listenerId: string;
  let previous: ListenerRecord | undefined;
  if (request.listenerId !== undefined || request.listenerToken !== undefined) {
    if (!request.listenerId || !request.listenerToken) {
      throw badRequest("a rejoin needs both listenerId and listenerToken from the earlier join");
    }
    const verdict = verifyListenerToken(
      request.listenerToken,
      deps.config.listenerTokenSecret,
      sessionId,
      deps.now(),
      deps.config.limits.rejoinWindowSeconds * 1000,
    );
    if (!verdict.ok) throw unauthorized(`${tokenFailureMessage(verdict.reason)} (without listenerId)`);
    if (verdict.claims.l !== request.listenerId) throw unauthorized("the listener token belongs to another listener");
    listenerId = request.listenerId;
    previous = await deps.stores.listeners.get(sessionId, listenerId);
  } else {
    listenerId = newListenerId();
  }

  const connected = previous?.connected ?? false;
  const heldUntil = slotHeldUntil(connected, deps.now(), deps.config.limits.slotGraceSeconds * 1000);
  const { decision, session: current } = request.captionsOnly
    ? { decision: { kind: "captions-only", reason: CAPTION_SCREEN_REASON } as const, session }
    : await claimAudioSlot(deps, session, listenerId, heldUntil);
  const now = deps.now();
  const listener: ListenerRecord = {
    sessionId,
    listenerId,
    language: request.language,
    ...(decision.kind === "captions-only"
      ? { captionsOnlyReason: decision.reason }
      : { channelArn: decision.slot.channelArn, slotItem: decision.slot.item }),
    ...(previous?.connectionId ? { connectionId: previous.connectionId } : {}),
    connected,
    joinedAt: previous?.joinedAt ?? now,
    lastActiveAt: now,
    expiresAt: listenerExpiry(deps),
  };
  // No count push here: the public function may not reach connections, and the listener's
  // WebSocket $connect pushes the counts (`listenerConnected`).
  await deps.stores.listeners.put(listener);
  return json(200, {
    listenerId,
    listenerToken: issueToken(deps, sessionId, listenerId),
    language: listener.language,
    audio: await audioFor(deps, listener, current),
    webSocketUrl: deps.config.webSocketUrl,
    session: toSessionPublic(current),
  });
}

/** `POST /sessions/{id}/listeners/{listenerId}/refresh`: a fresh viewer URL and token. */
export async function refreshListener(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const sessionId = sessionIdParam(event);
  const listenerId = pathParam(event, "listenerId");
  const { listenerToken } = parseOrThrow(RefreshRequest, jsonBody(event), "the refresh request");
  const verdict = verifyListenerToken(listenerToken, deps.config.listenerTokenSecret, sessionId, deps.now());
  if (!verdict.ok) throw unauthorized(tokenFailureMessage(verdict.reason));
  if (verdict.claims.l !== listenerId) throw unauthorized("the listener token belongs to another listener");
  const session = await loadSession(deps, sessionId);
  if (session.status === "ended") throw conflict("this session has ended: thank you for listening");
  const listener = await deps.stores.listeners.get(sessionId, listenerId);
  if (!listener) throw notFound("this listener is no longer known: join the session again");
  const refreshed = { ...listener, lastActiveAt: deps.now(), expiresAt: listenerExpiry(deps) };
  await deps.stores.listeners.put(refreshed);
  // Away but back in time: its audio slot's grace starts again.
  await holdListenerSlot(deps, refreshed);
  return json(200, {
    listenerId,
    listenerToken: issueToken(deps, sessionId, listenerId),
    language: listener.language,
    audio: await audioFor(deps, listener, session),
  });
}
