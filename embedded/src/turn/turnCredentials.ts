import { createHmac } from "node:crypto";

/** Time-limited TURN credentials, as GetIceServerConfig hands them out. */
export interface TurnCredentials {
  readonly username: string;
  readonly password: string;
  /** Seconds the credentials stay valid. */
  readonly ttlSeconds: number;
}

/**
 * The TURN REST API scheme ("A REST API For Access To TURN Services", coturn's
 * `--use-auth-secret`): the username is `<expiry epoch seconds>:<name>`, the password is
 * base64(HMAC-SHA1(shared secret, username)). KVS's own usernames have the same shape.
 */
export function turnRestCredentials(secret: string, name: string, ttlSeconds: number, nowMs: number): TurnCredentials {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${name}`;
  const password = createHmac("sha1", secret).update(username).digest("base64");
  return { username, password, ttlSeconds };
}
