import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PasswordVerifier } from "./srpServer.js";

/**
 * What the embedded user pool keeps on disk (`D/cognito/user-pool.json`, mode 0600): users
 * with SRP verifiers (never passwords), TOTP secrets, refresh tokens by their hash, and
 * revocations. Challenge sessions live only in memory: they last minutes.
 */

export type UserStatus = "FORCE_CHANGE_PASSWORD" | "CONFIRMED" | "RESET_REQUIRED";

export interface UserRecord {
  /** Cognito's username for an e-mail-alias pool: a UUID (also USER_ID_FOR_SRP). */
  readonly username: string;
  readonly sub: string;
  /** Lower case; presenters sign in with it. */
  readonly email: string;
  status: UserStatus;
  password: PasswordVerifier;
  /** Epoch ms after which a temporary password no longer signs in. */
  temporaryPasswordExpiresAt?: number;
  /**
   * A verified TOTP device. Sign-ins answer SOFTWARE_TOKEN_MFA once it is enabled: at once when
   * set up during a sign-in (MFA_SETUP), by SetUserMFAPreference when set up with an access token.
   */
  totp?: { readonly secret: string; enabled: boolean; lastUsedTimeStep?: number };
  /** Handed out by AssociateSoftwareToken, waiting for VerifySoftwareToken. */
  pendingTotpSecret?: string;
  /** ForgotPassword's code, kept as a hash. */
  resetCode?: { readonly hash: string; readonly expiresAt: number; attempts: number };
  readonly createdAt: number;
  updatedAt: number;
}

export interface RefreshTokenRecord {
  readonly username: string;
  readonly originJti: string;
  readonly authTime: number;
  readonly expiresAt: number;
}

interface UserPoolState {
  users: Record<string, UserRecord>;
  /** By SHA-256 of the token. */
  refreshTokens: Record<string, RefreshTokenRecord>;
  /** origin_jti → epoch ms when its tokens would have expired anyway (then forgotten). */
  revokedOrigins: Record<string, number>;
  /** Identity pool ids by user `sub`. */
  identities: Record<string, string>;
}

export function hashSecret(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

export class UserPoolStore {
  private constructor(
    private readonly file: string,
    private readonly state: UserPoolState,
  ) {}

  static load(dir: string): UserPoolStore {
    const file = join(dir, "user-pool.json");
    let state: UserPoolState = { users: {}, refreshTokens: {}, revokedOrigins: {}, identities: {} };
    try {
      state = { ...state, ...(JSON.parse(readFileSync(file, "utf8")) as Partial<UserPoolState>) };
    } catch {
      // first start
    }
    return new UserPoolStore(file, state);
  }

  /** Writes the whole state atomically (a rename), so a crash never leaves half a file. */
  save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** By username or e-mail (case-insensitive), as Cognito resolves a sign-in alias. */
  findUser(login: string): UserRecord | undefined {
    const byName = this.state.users[login];
    if (byName) return byName;
    const email = login.trim().toLowerCase();
    return Object.values(this.state.users).find((u) => u.email === email);
  }

  addUser(user: UserRecord): void {
    this.state.users[user.username] = user;
    this.save();
  }

  addRefreshToken(token: string, record: RefreshTokenRecord): void {
    this.state.refreshTokens[hashSecret(token)] = record;
    this.save();
  }

  refreshToken(token: string, nowMs: number): RefreshTokenRecord | undefined {
    const record = this.state.refreshTokens[hashSecret(token)];
    return record && record.expiresAt > nowMs && !this.isRevoked(record.originJti) ? record : undefined;
  }

  /** RevokeToken: the refresh token and every access token issued under its sign-in. */
  revokeOrigin(originJti: string, untilMs: number): void {
    this.state.revokedOrigins[originJti] = untilMs;
    for (const [hash, r] of Object.entries(this.state.refreshTokens))
      if (r.originJti === originJti) delete this.state.refreshTokens[hash];
    this.save();
  }

  isRevoked(originJti: string): boolean {
    return this.state.revokedOrigins[originJti] !== undefined;
  }

  /** GlobalSignOut: every sign-in of the user ends, its refresh token and access tokens alike. */
  signOutEverywhere(user: UserRecord): void {
    for (const [hash, r] of Object.entries(this.state.refreshTokens)) {
      if (r.username !== user.username) continue;
      this.state.revokedOrigins[r.originJti] = r.expiresAt;
      delete this.state.refreshTokens[hash];
    }
    this.save();
  }

  /** Drops records that can no longer matter (expired refresh tokens, old revocations). */
  forgetExpired(nowMs: number): void {
    for (const [hash, r] of Object.entries(this.state.refreshTokens))
      if (r.expiresAt <= nowMs) delete this.state.refreshTokens[hash];
    for (const [jti, until] of Object.entries(this.state.revokedOrigins))
      if (until <= nowMs) delete this.state.revokedOrigins[jti];
  }

  identityFor(sub: string, create: () => string): string {
    let id = this.state.identities[sub];
    if (!id) {
      id = create();
      this.state.identities[sub] = id;
      this.save();
    }
    return id;
  }
}
