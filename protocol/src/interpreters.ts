import { z } from "zod";
import { SessionId, SessionPublic, SignalingGrant } from "./api.js";
import { KnownLanguage, LanguageCode } from "./languages.js";

/**
 * Interpreter invites: the presenter invites a person to speak one target language. The
 * invite is a one-time token; redeeming it gives a KVS viewer grant whose client id names
 * the language, so the console knows whose microphone becomes which language's track.
 */

/** A one-time invite token (32 random bytes, base64url). */
export const InterpreterInviteToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "must be the invite token from the presenter's interpreter link");

/** `POST /sessions/{id}/interpreters` (owner): invite an interpreter for one target language. */
export const CreateInterpreterInviteRequest = z.object({ language: KnownLanguage }).strict();
export type CreateInterpreterInviteRequest = z.infer<typeof CreateInterpreterInviteRequest>;

export const InterpreterInvite = z.object({
  sessionId: SessionId,
  language: LanguageCode,
  token: InterpreterInviteToken,
  /** Epoch ms after which the invite can no longer be redeemed. */
  expiresAt: z.number(),
  /** The page the interpreter opens (the token travels in the fragment, never in a request line). */
  interpreterUrl: z.url(),
});
export type InterpreterInvite = z.infer<typeof InterpreterInvite>;

/** `POST /sessions/{id}/interpreters/join` (public): redeem an invite, once. */
export const InterpreterJoinRequest = z.object({ token: InterpreterInviteToken }).strict();
export type InterpreterJoinRequest = z.infer<typeof InterpreterJoinRequest>;

export const InterpreterJoinResponse = z.object({
  language: LanguageCode,
  signaling: SignalingGrant,
  session: SessionPublic,
});
export type InterpreterJoinResponse = z.infer<typeof InterpreterJoinResponse>;

const INTERPRETER_CLIENT_ID = /^i-([a-z]{2})-[A-Za-z0-9_-]{16,64}$/;

/** The KVS client id of an interpreter of `language` (only the backend mints these: it signs the URL). */
export function interpreterClientId(language: string, random: string): string {
  const id = `i-${language}-${random}`;
  if (!/^[a-z]{2}$/.test(language) || !INTERPRETER_CLIENT_ID.test(id))
    throw new Error(`not an interpreter client id: ${id}`);
  return id;
}

/** The language an interpreter's client id speaks, or undefined for any other viewer. */
export function interpreterLanguageOf(clientId: string): string | undefined {
  return INTERPRETER_CLIENT_ID.exec(clientId)?.[1];
}

/** The console page's fragment that opens it in interpreter mode. */
export function interpreterFragment(sessionId: string, token: string): string {
  return `#interpret=${encodeURIComponent(sessionId)}.${token}`;
}

/** Reads `#interpret=<session>.<token>`; undefined when the fragment is not an interpreter link. */
export function parseInterpreterFragment(hash: string): { sessionId: string; token: string } | undefined {
  const m = /^#interpret=([a-z]+-[a-z]+-\d{3})\.([A-Za-z0-9_-]{43})$/.exec(hash);
  return m ? { sessionId: m[1] as string, token: m[2] as string } : undefined;
}
