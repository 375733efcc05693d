/**
 * What the presenter's authenticator app needs to add Babelcast: the `otpauth://` key URI
 * (https://github.com/google/google-authenticator/wiki/Key-Uri-Format) for the QR code, and the
 * secret in groups of four for typing it by hand.
 */

export const TOTP_ISSUER = "Babelcast";

export function totpKeyUri(secret: string, account: string, issuer = TOTP_ISSUER): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(issuer)}`;
}

/** `ABCDEFGH…` → `ABCD EFGH …`. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** An authenticator code as typed (spaces, dashes) reduced to its six digits, or undefined. */
export function normalizedCode(typed: string): string | undefined {
  const digits = typed.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : undefined;
}
