import { randomInt } from "node:crypto";

/**
 * The stack's password policy (`presenterAuth.ts`): at least 12 characters with a lowercase
 * and an uppercase letter, a digit and a symbol. Symbols are Cognito's documented set
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
 */
export const PASSWORD_POLICY = { minLength: 12 } as const;
const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/** What is missing from a password, in the words Cognito's InvalidPasswordException uses; empty when it passes. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_POLICY.minLength) problems.push("Password not long enough");
  if (!/[a-z]/.test(password)) problems.push("Password must have lowercase characters");
  if (!/[A-Z]/.test(password)) problems.push("Password must have uppercase characters");
  if (!/[0-9]/.test(password)) problems.push("Password must have numeric characters");
  if (![...password].some((c) => SYMBOLS.includes(c))) problems.push("Password must have symbol characters");
  return problems;
}

/** A temporary password that meets the policy (AdminCreateUser without TemporaryPassword). */
export function generateTemporaryPassword(): string {
  const sets = ["abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!#%+=?@"];
  const all = sets.join("");
  const chars = sets.map((s) => s[randomInt(s.length)]);
  while (chars.length < 16) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}
