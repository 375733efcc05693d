import { createHash, randomBytes } from "node:crypto";
import type { HandOffClaim } from "../tables/coordinationStore.js";
import { ApiFailure, conflict, forbidden, notFound } from "./apiErrors.js";

/**
 * One-time hand-off codes: 192 random bits, stored only as their SHA-256 (a copy of the
 * table does not hand anyone the session), valid for a short while.
 */

/** How long a hand-off link can be claimed: long enough to walk to the other lectern. */
export const HANDOFF_VALID_MS = 10 * 60_000;

export function newHandOffCode(): string {
  return randomBytes(24).toString("base64url");
}

export function handOffCodeHash(code: string): string {
  return createHash("sha256").update(code).digest("base64url");
}

/** The refusal a presenter sees for a claim that did not go through. */
export function handOffRefusal(claim: Exclude<HandOffClaim, "claimed">): ApiFailure {
  switch (claim) {
    case "unknown":
      return notFound("this hand-off link is not valid for this session: ask the presenter for a new link");
    case "for-another-presenter":
      return forbidden(
        "this hand-off link is for another presenter: sign in with the account the presenter handing off named",
      );
    case "used":
      return new ApiFailure(410, "HandOffUsed", "this hand-off link was already used: ask the presenter for a new one");
    case "expired":
      return new ApiFailure(
        410,
        "HandOffExpired",
        `this hand-off link has expired (links last ${HANDOFF_VALID_MS / 60_000} minutes): ask the presenter for a new one`,
      );
  }
}

/** The session changed hands meanwhile (another claim won the race). */
export const handOffRaced = (sessionId: string) =>
  conflict(`session ${sessionId} changed hands while this claim ran: ask its presenter for a new link`);
