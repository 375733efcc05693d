import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Listener tokens: short-lived, HMAC-SHA256 signed, bound to one session and one listener.
 * Format `v1.<base64url(JSON claims)>.<base64url(signature)>`.
 */

export interface ListenerClaims {
  /** Session id. */
  readonly s: string;
  /** Listener id. */
  readonly l: string;
  /** Expiry, epoch ms. */
  readonly exp: number;
}

export type TokenVerdict =
  | { readonly ok: true; readonly claims: ListenerClaims; readonly expired: boolean }
  | { readonly ok: false; readonly reason: "malformed" | "signature" | "expired" | "wrong-session" };

function sign(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(`v1.${payload}`).digest("base64url");
}

export function createListenerToken(claims: ListenerClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `v1.${payload}.${sign(payload, secret)}`;
}

/** The claims of a token whose signature holds, whatever its session and expiry. */
function signedClaims(token: string, secret: string): ListenerClaims | "malformed" | "signature" {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== "v1") return "malformed";
  const [, payload = "", signature = ""] = parts;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "signature";
  let claims: ListenerClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ListenerClaims;
  } catch {
    return "malformed";
  }
  if (typeof claims.s !== "string" || typeof claims.l !== "string" || typeof claims.exp !== "number") {
    return "malformed";
  }
  return claims;
}

/**
 * Checks a token for `sessionId`. An expired token still proves who the listener was within
 * `acceptExpiredForMs` (a rejoin after the phone slept), reported with `expired: true`.
 */
export function verifyListenerToken(
  token: string,
  secret: string,
  sessionId: string,
  now: number,
  acceptExpiredForMs = 0,
): TokenVerdict {
  const claims = signedClaims(token, secret);
  if (typeof claims === "string") return { ok: false, reason: claims };
  if (claims.s !== sessionId) return { ok: false, reason: "wrong-session" };
  if (now >= claims.exp + acceptExpiredForMs) return { ok: false, reason: "expired" };
  return { ok: true, claims, expired: now >= claims.exp };
}

/**
 * Checks a token that names its own session (the claims carry it): for callers that learn the
 * session from the token, such as the caption Event API's authorizer. Expired tokens fail.
 */
export function verifyListenerTokenOfAnySession(token: string, secret: string, now: number): TokenVerdict {
  const claims = signedClaims(token, secret);
  if (typeof claims === "string") return { ok: false, reason: claims };
  if (now >= claims.exp) return { ok: false, reason: "expired" };
  return { ok: true, claims, expired: false };
}

/** What to tell a listener whose token failed. */
export function tokenFailureMessage(reason: Exclude<TokenVerdict, { ok: true }>["reason"]): string {
  switch (reason) {
    case "expired":
      return "the listener token has expired: join the session again";
    case "wrong-session":
      return "the listener token belongs to another session: join this session first";
    default:
      return "the listener token is not valid: join the session again";
  }
}
