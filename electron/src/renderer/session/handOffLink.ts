import { HandOffCode, SessionId } from "@babelcast/protocol";

/**
 * A hand-off link: the console's own address with `#handoff=<session id>.<code>` in its
 * fragment (fragments never reach a server's request line or logs). Another console opens it,
 * or its presenter pastes it (or just the `<session id>.<code>` part) into *Take over*.
 */

export interface HandOffTarget {
  readonly sessionId: string;
  readonly code: string;
}

export function handOffLink(consoleAddress: string, target: HandOffTarget): string {
  const base = consoleAddress.replace(/#.*$/, "");
  return `${base}#handoff=${target.sessionId}.${target.code}`;
}

/** The session and code in a pasted link or `<session id>.<code>`; undefined when it is neither. Pure. */
export function parseHandOffLink(text: string): HandOffTarget | undefined {
  const trimmed = text.trim();
  const fragment = /#(.*)$/.exec(trimmed)?.[1];
  const value = fragment !== undefined ? new URLSearchParams(fragment).get("handoff") : trimmed;
  const match = /^([^.\s]+)\.([^.\s]+)$/.exec(value ?? "");
  if (!match) return undefined;
  const [, sessionId = "", code = ""] = match;
  if (!SessionId.safeParse(sessionId).success || !HandOffCode.safeParse(code).success) return undefined;
  return { sessionId, code };
}

/** The fragment without the hand-off, so the one-time code does not linger in the address bar or history. */
export function fragmentWithoutHandOff(hash: string): string {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  params.delete("handoff");
  const rest = params.toString();
  return rest ? `#${rest}` : "";
}
