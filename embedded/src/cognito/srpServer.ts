import { randomBytes, timingSafeEqual } from "node:crypto";
import cognitoSrp from "cognito-srp";

/**
 * The server side of Cognito's SRP-6a variant (USER_SRP_AUTH), by `cognito-srp`: the pool keeps
 * a salt and a verifier per user, never the password.
 *
 * `cognito-srp` hashes B, S and the salt from their fixed-width bytes, while
 * amazon-cognito-identity-js hashes them from big integers without leading zero bytes; the
 * two agree except when such a value starts with a zero byte (1 in 256 each). So salts are
 * drawn without one, and a challenge whose B or S starts with one is drawn again.
 */

export interface PasswordVerifier {
  /** Hex. */
  readonly salt: string;
  /** Hex, g^x mod N. */
  readonly verifier: string;
}

/** What InitiateAuth answers (B, salt) and what RespondToAuthChallenge checks the claim with. */
export interface PasswordChallenge {
  /** SRP_B, hex. */
  readonly srpB: string;
  /** The derived key the client's PASSWORD_CLAIM_SIGNATURE is keyed with, hex. */
  readonly hkdf: string;
}

/** The part of a user pool id after the underscore, which Cognito's SRP hashes in. */
export function srpPoolName(userPoolId: string): string {
  return userPoolId.split("_")[1] ?? userPoolId;
}

function saltWithoutLeadingZeroByte(): string {
  const salt = randomBytes(16);
  // First byte 0x10–0x7f: neither side strips a zero byte nor pads a sign byte differently.
  salt[0] = 0x10 + ((salt[0] ?? 0) % 0x70);
  return salt.toString("hex");
}

export async function createPasswordVerifier(
  userPoolId: string,
  userIdForSrp: string,
  password: string,
): Promise<PasswordVerifier> {
  const pool = new cognitoSrp.UserPool(srpPoolName(userPoolId));
  const user = await pool.createUser({ username: userIdForSrp, password }, saltWithoutLeadingZeroByte());
  return { salt: user.salt, verifier: user.verifier };
}

/** Answers the client's SRP_A: B to send back and the session key to check its claim with. */
export async function startPasswordChallenge(
  userPoolId: string,
  userIdForSrp: string,
  verifier: PasswordVerifier,
  srpA: string,
): Promise<PasswordChallenge> {
  const pool = new cognitoSrp.UserPool(srpPoolName(userPoolId));
  const user = { username: userIdForSrp, salt: verifier.salt, verifier: verifier.verifier };
  for (;;) {
    const challenge = await pool.getServerChallenge(user);
    const b = challenge.calculateB();
    // Throws when A is 0 or not below N, which the client can never honestly send.
    const session = challenge.getSession(srpA);
    // The premaster secret S is private in cognito-srp; its first byte decides the padding mismatch above.
    const s = (session as unknown as { key: Buffer }).key;
    if (b[0] !== 0 && s[0] !== 0) return { srpB: b.toString("hex"), hkdf: session.getHkdf() };
  }
}

/** Whether PASSWORD_CLAIM_SIGNATURE proves the password: HMAC(hkdf, pool name ‖ user ‖ secret block ‖ timestamp). */
export function passwordClaimMatches(
  userPoolId: string,
  userIdForSrp: string,
  hkdf: string,
  claim: { readonly secretBlock: string; readonly timestamp: string; readonly signature: string },
): boolean {
  const session = new cognitoSrp.Session(srpPoolName(userPoolId), userIdForSrp, hkdf);
  const expected = Buffer.from(session.calculateSignature(claim.secretBlock, claim.timestamp), "base64");
  const given = Buffer.from(claim.signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A plausible B for an unknown user, so the answer does not tell whether the account exists. */
export function decoyChallenge(): PasswordChallenge & { readonly salt: string } {
  return {
    srpB: randomBytes(384).toString("hex"),
    hkdf: randomBytes(16).toString("hex"),
    salt: saltWithoutLeadingZeroByte(),
  };
}
