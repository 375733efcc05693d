import {
  ClaimHandOffRequest,
  CreateHandOffRequest,
  type HandOffResponse,
  type WaitingHandOffsResponse,
} from "@babelcast/protocol";
import { conflict, parseOrThrow } from "../../services/apiErrors.js";
import {
  HANDOFF_VALID_MS,
  handOffCodeHash,
  handOffRaced,
  handOffRefusal,
  newHandOffCode,
} from "../../services/handOffCodes.js";
import { toSessionOwnerView } from "../../services/sessionRecords.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { sendToConsoles } from "../shared/fanout.js";
import {
  type HttpEvent,
  type HttpResult,
  json,
  jsonBody,
  loadSession,
  optionalJsonBody,
  requireOwnedSession,
  requireOwner,
  sessionIdParam,
} from "./httpRequest.js";

/** `POST /sessions/{id}/handoffs` (owner): a one-time code another signed-in console claims the session with. */
export async function createHandOff(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session, owner } = await requireOwnedSession(deps, event);
  const { presenter } = parseOrThrow(CreateHandOffRequest, optionalJsonBody(event), "the hand-off");
  if (session.status === "ended")
    throw conflict(`session ${session.sessionId} has ended: there is nothing to hand off`);
  const code = newHandOffCode();
  const now = deps.now();
  const expiresAt = now + HANDOFF_VALID_MS;
  const forPresenter = presenter?.toLowerCase();
  await deps.stores.coordination.putHandOff(
    session.sessionId,
    handOffCodeHash(code),
    expiresAt,
    owner.ownerId,
    now,
    forPresenter,
    { title: session.title, ...(owner.email ? { from: owner.email } : {}) },
  );
  const body: HandOffResponse = {
    sessionId: session.sessionId,
    code,
    expiresAt,
    ...(forPresenter ? { presenter: forPresenter } : {}),
  };
  return json(201, body);
}

/**
 * `POST /sessions/{id}/handoffs/claim` (a signed-in presenter): uses the code once, makes the
 * caller the owner at the next hand-off count, and tells the console(s) live until now to step
 * down. Answers the session and the last stored segment, which the new console numbers after.
 */
export async function claimHandOff(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const claimant = await requireOwner(deps, event);
  const sessionId = sessionIdParam(event);
  const request = parseOrThrow(ClaimHandOffRequest, jsonBody(event), "the claim");
  const session = await loadSession(deps, sessionId);
  if (session.status === "ended") throw conflict(`session ${sessionId} has ended: start a new one`);
  // A listed id is the code's hash already, and claims for the named presenter only.
  const byId = "handOff" in request;
  const codeHash = byId ? request.handOff : handOffCodeHash(request.code);
  const claim = await deps.stores.coordination.claimHandOff(sessionId, codeHash, claimant, deps.now(), byId);
  if (claim !== "claimed") throw handOffRefusal(claim);
  if (claimant.email) await deps.stores.coordination.unlistHandOff(claimant.email, sessionId, codeHash);
  const from = { ownerId: session.ownerId, hubEpoch: session.hubEpoch ?? 0 };
  const claimed = await deps.stores.sessions.transferOwner(sessionId, from, claimant.ownerId, deps.now());
  if (!claimed) throw handOffRaced(sessionId);
  const hubEpoch = claimed.hubEpoch ?? from.hubEpoch + 1;
  // The new console connects after this answer, so every console connected now is the old one.
  await sendToConsoles(deps, sessionId, { type: "handed-off", hubEpoch });
  deps.log.info("session handed off", { sessionId, hubEpoch });
  const lastSeq = await deps.stores.segments.lastSeq(sessionId);
  return json(200, { session: toSessionOwnerView(claimed, deps.config.listenerUrl, {}), lastSeq });
}

/** `GET /handoffs` (a signed-in presenter): the hand-offs naming their e-mail, newest first. */
export async function listWaitingHandOffs(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const presenter = await requireOwner(deps, event);
  // A console signed in with the owner token has no e-mail: nothing can name it.
  const listed = presenter.email ? await deps.stores.coordination.handOffsFor(presenter.email, deps.now()) : [];
  const body: WaitingHandOffsResponse = {
    handOffs: listed
      .sort((a, b) => b.validUntil - a.validUntil)
      .map((h) => ({
        sessionId: h.sessionId,
        title: h.title,
        handOff: h.handOff,
        ...(h.from ? { from: h.from } : {}),
        expiresAt: h.validUntil,
      })),
  };
  return json(200, body);
}
