import { createHash, randomBytes } from "node:crypto";
import {
  CreateInterpreterInviteRequest,
  type InterpreterInvite,
  InterpreterJoinRequest,
  type InterpreterJoinResponse,
  interpreterClientId,
  interpreterFragment,
  PATHS,
} from "@babelcast/protocol";
import { badRequest, conflict, parseOrThrow, unauthorized } from "../../services/apiErrors.js";
import { toSessionPublic } from "../../services/sessionRecords.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { claimAudioSlot } from "../shared/channelPoolOps.js";
import { enforceRateLimit, joinsPerIp } from "../shared/rateLimit.js";
import {
  type HttpEvent,
  type HttpResult,
  json,
  jsonBody,
  loadSession,
  requireOwnedSession,
  sessionIdParam,
  sourceIp,
} from "./httpRequest.js";

/** An invite link works for an hour: long enough to hand it over, short enough that a lost one expires. */
const INVITE_TTL_MS = 3_600_000;
/** The interpreter's audio slot is held this long (it has no WebSocket telling the pool it left). */
const INTERPRETER_SLOT_MS = 4 * 3_600_000;

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** `POST /sessions/{id}/interpreters` (owner): a one-time link for an interpreter of one target language. */
export async function createInterpreterInvite(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session } = await requireOwnedSession(deps, event);
  const { language } = parseOrThrow(CreateInterpreterInviteRequest, jsonBody(event), "the interpreter invite");
  if (session.status === "ended") throw conflict(`session ${session.sessionId} has ended: start a new one`);
  if (!session.targetLanguages.includes(language)) {
    throw badRequest(
      `${language} is not a target language of this session: add it first, or invite for one of ${session.targetLanguages.join(", ") || "(none)"}`,
    );
  }
  const token = randomBytes(32).toString("base64url");
  const validUntil = deps.now() + INVITE_TTL_MS;
  await deps.stores.coordination.putInvite(
    session.sessionId,
    { tokenHash: tokenHash(token), language, validUntil },
    deps.now(),
  );
  const base = deps.config.listenerUrl.replace(/\/+$/, "");
  const invite: InterpreterInvite = {
    sessionId: session.sessionId,
    language,
    token,
    expiresAt: validUntil,
    interpreterUrl: `${base}${PATHS.console}${interpreterFragment(session.sessionId, token)}`,
  };
  return json(201, invite);
}

const REDEEM_FAILURES = {
  unknown: "this interpreter link is not valid for this session: ask the presenter for a new one",
  used: "this interpreter link was already used: ask the presenter for a new one",
  expired: "this interpreter link has expired: ask the presenter for a new one",
} as const;

/** `POST /sessions/{id}/interpreters/join` (public): redeems an invite once for a viewer grant on the session's pool. */
export async function joinAsInterpreter(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const sessionId = sessionIdParam(event);
  const { token } = parseOrThrow(InterpreterJoinRequest, jsonBody(event), "the interpreter join");
  await enforceRateLimit(deps, joinsPerIp(deps), sourceIp(event));
  const session = await loadSession(deps, sessionId);
  if (session.status === "ended") throw conflict("this session has ended: thank you for interpreting");
  const redeemed = await deps.stores.coordination.redeemInvite(sessionId, tokenHash(token), deps.now());
  if (!redeemed.ok) {
    throw redeemed.reason === "unknown"
      ? unauthorized(REDEEM_FAILURES.unknown)
      : conflict(REDEEM_FAILURES[redeemed.reason]);
  }
  const { language } = redeemed.invite;
  const clientId = interpreterClientId(language, randomBytes(12).toString("base64url"));
  const { decision, session: current } = await claimAudioSlot(
    deps,
    session,
    clientId,
    deps.now() + INTERPRETER_SLOT_MS,
  );
  if (decision.kind === "captions-only") {
    throw conflict(
      `no audio channel is free for the interpreter (${decision.reason}): ask the presenter to raise the audio capacity`,
    );
  }
  const response: InterpreterJoinResponse = {
    language,
    signaling: await deps.channels.grant(decision.slot.channelArn, "VIEWER", clientId),
    session: toSessionPublic(current),
  };
  return json(200, response);
}
