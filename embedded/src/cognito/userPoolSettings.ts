import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** Section of `D/embedded.json` that turns the embedded user pool on (presenters sign in as in the cloud). */
export const COGNITO_SETTINGS_SECTION = "cognito";
/** Folder of the data dir with the user pool's identity, users, signing key and outbox. */
export const COGNITO_DIR = "cognito";
/** What the pool "sends" by e-mail, one JSON line per message: nothing leaves the machine offline. */
export const OUTBOX_FILE = "outbox.jsonl";

/**
 * The embedded user pool mirrors the stack's (`infra/lib/constructs/presenterAuth.ts`):
 * admin-created users signing in with their e-mail, SRP only, TOTP as the only second factor.
 * `mfa: "ON"` makes every sign-in without a TOTP device answer MFA_SETUP, as AWS does when
 * a pool requires MFA.
 */
export const CognitoSettings = z.object({
  enabled: z.boolean().default(false),
  mfa: z.enum(["ON", "OPTIONAL", "OFF"]).default("OPTIONAL"),
  /** App client `AuthSessionValidity`: 3 to 15 minutes, 3 by default (the challenge session's life). */
  authSessionMinutes: z.number().int().min(3).max(15).default(3),
  idTokenMinutes: z.number().int().min(5).max(1440).default(60),
  accessTokenMinutes: z.number().int().min(5).max(1440).default(60),
  refreshTokenDays: z.number().int().min(1).max(3650).default(30),
  /** `TemporaryPasswordValidityDays` of the password policy. */
  temporaryPasswordDays: z.number().int().min(0).max(365).default(3),
});
export type CognitoSettings = z.infer<typeof CognitoSettings>;

/** The ids a console and a backend need to find the pool; created on first start and kept. */
export interface UserPoolIdentity {
  /** `<region>_<9 letters or digits>`, the form aws-jwt-verify and the SDKs expect. */
  readonly userPoolId: string;
  readonly clientId: string;
  /** `<region>:<uuid>`. */
  readonly identityPoolId: string;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomChars(alphabet: string, length: number): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

/** Reads `D/cognito/pool.json`, creating new ids in the Cognito formats on first start. */
export function loadOrCreateUserPoolIdentity(dataDir: string, region: string): UserPoolIdentity {
  const dir = join(dataDir, COGNITO_DIR);
  const file = join(dir, "pool.json");
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as UserPoolIdentity;
    if (saved.userPoolId?.startsWith(`${region}_`) && saved.clientId && saved.identityPoolId) return saved;
  } catch {
    // absent: created below
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const identity: UserPoolIdentity = {
    userPoolId: `${region}_${randomChars(ALNUM, 9)}`,
    clientId: randomChars("abcdefghijklmnopqrstuvwxyz0123456789", 26),
    identityPoolId: `${region}:${randomUUID()}`,
  };
  writeFileSync(file, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  return identity;
}
