import { generateSecret, generateURI, verify } from "otplib";

/**
 * TOTP as Cognito's software token MFA uses it: SHA-1, 6 digits, 30 s steps, a base32
 * secret (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html).
 * A code is accepted one step either side for clock drift and typing time, and each time step
 * once only (RFC 6238 section 5.2), so a code overheard at sign-in cannot be replayed.
 */

/** AssociateSoftwareToken's SecretCode: 20 random bytes in base32 (32 characters). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://` URI an authenticator app scans. */
export function totpUri(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The time step a code proved, or undefined when it does not match now (±1 step) or that step was used. */
export async function acceptedTimeStep(
  secret: string,
  code: string,
  lastUsedTimeStep: number | undefined,
  nowMs: number,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: 30,
    ...(lastUsedTimeStep !== undefined ? { afterTimeStep: lastUsedTimeStep } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : undefined;
}
