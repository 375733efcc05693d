import { randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import { AwsServiceError } from "../http/awsResponses.js";
import { generateTemporaryPassword, passwordProblems } from "./passwordPolicy.js";
import { createPasswordVerifier, decoyChallenge, passwordClaimMatches, startPasswordChallenge } from "./srpServer.js";
import { acceptedTimeStep, newTotpSecret } from "./totpCodes.js";
import { type CognitoSettings, OUTBOX_FILE, type UserPoolIdentity } from "./userPoolSettings.js";
import { hashSecret, type UserPoolStore, type UserRecord } from "./userPoolStore.js";
import type { UserPoolTokens } from "./userPoolTokens.js";

/**
 * The cognito-idp operations Babelcast's console and admins use, with Cognito's documented
 * challenges and error types (API reference:
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html).
 * Input is the parsed JSON body; output is the JSON answer.
 */

type Input = Record<string, unknown>;
type ChallengeName = "NEW_PASSWORD_REQUIRED" | "SOFTWARE_TOKEN_MFA" | "MFA_SETUP";

/** One step of a sign-in in progress. A session is used once; every answer hands out a new one. */
interface ChallengeSession {
  readonly challenge: ChallengeName;
  readonly username: string;
  readonly expiresAt: number;
  /** MFA_SETUP: VerifySoftwareToken succeeded in this sign-in, so RespondToAuthChallenge may finish it. */
  readonly softwareTokenVerified?: boolean;
  /** Wrong codes or refused passwords so far; the session ends at MAX_SESSION_FAILURES. */
  failures?: number;
}

/** A session survives a few wrong answers (typos), not a guessing run. */
const MAX_SESSION_FAILURES = 5;

/** The first step (PASSWORD_VERIFIER), keyed by its SECRET_BLOCK; `username` undefined for a decoy. */
interface PasswordVerifierState {
  readonly username: string | undefined;
  readonly hkdf: string;
  readonly expiresAt: number;
}

export interface UserPoolDeps {
  readonly identity: UserPoolIdentity;
  readonly region: string;
  readonly settings: CognitoSettings;
  readonly store: UserPoolStore;
  readonly tokens: UserPoolTokens;
  /** `D/cognito`: the outbox is written there. */
  readonly dir: string;
  readonly log: Logger;
  readonly now?: () => number;
}

const fail = (type: string, message: string, status = 400) => new AwsServiceError(type, status, message);
const WRONG_PASSWORD = "Incorrect username or password.";
const SESSION_EXPIRED = "Invalid session for the user, session is expired.";

function str(input: Input, key: string): string {
  const v = input[key];
  if (typeof v !== "string" || v.length === 0)
    throw fail("InvalidParameterException", `Missing required parameter ${key}`);
  return v;
}

function record(input: Input, key: string): Input {
  const v = input[key];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Input) : {};
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `j***@e***`: what CodeDeliveryDetails shows of an address. */
function maskedEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

export class EmbeddedUserPool {
  private readonly sessions = new Map<string, ChallengeSession>();
  private readonly verifiers = new Map<string, PasswordVerifierState>();
  private readonly now: () => number;

  constructor(private readonly deps: UserPoolDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The operations anyone may call (the client library sends no credentials). */
  readonly publicOperations: Record<string, (input: Input) => Promise<unknown>> = {
    InitiateAuth: (input) => this.initiateAuth(input),
    RespondToAuthChallenge: (input) => this.respondToAuthChallenge(input),
    AssociateSoftwareToken: (input) => this.associateSoftwareToken(input),
    VerifySoftwareToken: (input) => this.verifySoftwareToken(input),
    ForgotPassword: (input) => this.forgotPassword(input),
    ConfirmForgotPassword: (input) => this.confirmForgotPassword(input),
    GetUser: (input) => this.getUser(input),
    SetUserMFAPreference: (input) => this.setUserMfaPreference(input),
    GlobalSignOut: (input) => this.globalSignOut(input),
    RevokeToken: (input) => this.revokeToken(input),
  };

  /** Operations that need IAM credentials (SigV4), like AWS's Admin* calls. */
  readonly adminOperations: Record<string, (input: Input) => Promise<unknown>> = {
    AdminCreateUser: (input) => this.adminCreateUser(input),
  };

  private checkClient(input: Input): void {
    const clientId = str(input, "ClientId");
    if (clientId !== this.deps.identity.clientId)
      throw fail("ResourceNotFoundException", `User pool client ${clientId} does not exist.`);
  }

  private checkPool(input: Input): void {
    const poolId = str(input, "UserPoolId");
    if (poolId !== this.deps.identity.userPoolId)
      throw fail("ResourceNotFoundException", `User pool ${poolId} does not exist.`);
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [k, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(k);
    for (const [k, s] of this.verifiers) if (s.expiresAt <= now) this.verifiers.delete(k);
  }

  private sessionExpiry(): number {
    return this.now() + this.deps.settings.authSessionMinutes * 60_000;
  }

  private openSession(challenge: ChallengeName, username: string, extra: Partial<ChallengeSession> = {}): string {
    this.forgetExpired();
    const token = randomBytes(96).toString("base64url");
    this.sessions.set(token, { challenge, username, expiresAt: this.sessionExpiry(), ...extra });
    return token;
  }

  /** The live session behind a token; a used, unknown or expired one is refused as Cognito does. */
  private findSession(token: unknown, challenge: ChallengeName): { session: ChallengeSession; user: UserRecord } {
    const session = typeof token === "string" ? this.sessions.get(token) : undefined;
    const user = session && this.deps.store.findUser(session.username);
    if (!session || !user || session.expiresAt <= this.now() || session.challenge !== challenge) {
      if (session) this.sessions.delete(token as string);
      throw fail("NotAuthorizedException", SESSION_EXPIRED);
    }
    return { session, user };
  }

  /** Counts a wrong answer; the session ends after a few. */
  private sessionFailed(token: unknown, session: ChallengeSession): void {
    session.failures = (session.failures ?? 0) + 1;
    if (session.failures >= MAX_SESSION_FAILURES) this.sessions.delete(token as string);
  }

  /** Takes a session for one use: every answer hands out a new one. */
  private takeSession(token: unknown, challenge: ChallengeName): { session: ChallengeSession; user: UserRecord } {
    const found = this.findSession(token, challenge);
    this.sessions.delete(token as string);
    return found;
  }

  private async initiateAuth(input: Input): Promise<unknown> {
    this.checkClient(input);
    const flow = str(input, "AuthFlow");
    const params = record(input, "AuthParameters");
    if (flow === "REFRESH_TOKEN_AUTH" || flow === "REFRESH_TOKEN") return this.refresh(str(params, "REFRESH_TOKEN"));
    // The stack's app client enables SRP only (`authFlows: { userSrp: true }`).
    if (flow !== "USER_SRP_AUTH") throw fail("InvalidParameterException", `${flow} flow not enabled for this client`);
    const login = str(params, "USERNAME");
    const srpA = str(params, "SRP_A");
    if (!/^[0-9a-fA-F]+$/.test(srpA)) throw fail("InvalidParameterException", "SRP_A is not a hexadecimal number");
    const user = this.deps.store.findUser(login);
    const secretBlock = randomBytes(64).toString("base64");
    // Unknown users get a decoy challenge and the same refusal later (PreventUserExistenceErrors).
    let challenge: { srpB: string; hkdf: string; salt: string };
    try {
      challenge = user
        ? {
            ...(await startPasswordChallenge(this.deps.identity.userPoolId, user.username, user.password, srpA)),
            salt: user.password.salt,
          }
        : decoyChallenge();
    } catch {
      throw fail("InvalidParameterException", "SRP_A is not valid");
    }
    this.forgetExpired();
    this.verifiers.set(secretBlock, {
      username: user?.username,
      hkdf: challenge.hkdf,
      expiresAt: this.sessionExpiry(),
    });
    const userId = user?.username ?? randomUUID();
    return {
      ChallengeName: "PASSWORD_VERIFIER",
      ChallengeParameters: {
        SALT: challenge.salt,
        SECRET_BLOCK: secretBlock,
        SRP_B: challenge.srpB,
        USERNAME: userId,
        USER_ID_FOR_SRP: userId,
      },
    };
  }

  private async refresh(refreshToken: string): Promise<unknown> {
    const now = this.now();
    const saved = this.deps.store.refreshToken(refreshToken, now);
    const user = saved && this.deps.store.findUser(saved.username);
    if (!saved || !user) throw fail("NotAuthorizedException", "Invalid Refresh Token");
    const tokens = await this.deps.tokens.issue(user, saved, this.deps.settings, now);
    return {
      ChallengeParameters: {},
      AuthenticationResult: {
        AccessToken: tokens.accessToken,
        IdToken: tokens.idToken,
        ExpiresIn: this.deps.settings.accessTokenMinutes * 60,
        TokenType: "Bearer",
      },
    };
  }

  private async respondToAuthChallenge(input: Input): Promise<unknown> {
    this.checkClient(input);
    const name = str(input, "ChallengeName");
    const responses = record(input, "ChallengeResponses");
    switch (name) {
      case "PASSWORD_VERIFIER":
        return this.passwordVerifier(responses);
      case "NEW_PASSWORD_REQUIRED": {
        // A password the policy refuses may be corrected within the same session.
        const { session, user } = this.findSession(input.Session, "NEW_PASSWORD_REQUIRED");
        try {
          await this.setPassword(user, str(responses, "NEW_PASSWORD"));
        } catch (err) {
          this.sessionFailed(input.Session, session);
          throw err;
        }
        this.sessions.delete(input.Session as string);
        return this.nextStep(user);
      }
      case "SOFTWARE_TOKEN_MFA": {
        const { session, user } = this.findSession(input.Session, "SOFTWARE_TOKEN_MFA");
        const code = typeof responses.SOFTWARE_TOKEN_MFA_CODE === "string" ? responses.SOFTWARE_TOKEN_MFA_CODE : "";
        const totp = user.totp;
        const step = totp ? await acceptedTimeStep(totp.secret, code, totp.lastUsedTimeStep, this.now()) : undefined;
        if (!totp || step === undefined) {
          this.sessionFailed(input.Session, session);
          throw fail("CodeMismatchException", "Invalid code received for user");
        }
        this.sessions.delete(input.Session as string);
        totp.lastUsedTimeStep = step;
        this.deps.store.save();
        return this.signedIn(user);
      }
      case "MFA_SETUP": {
        const { session, user } = this.takeSession(input.Session, "MFA_SETUP");
        if (!session.softwareTokenVerified || !user.totp)
          throw fail("InvalidParameterException", "Set up the software token (VerifySoftwareToken) before MFA_SETUP.");
        return this.signedIn(user);
      }
      default:
        throw fail("InvalidParameterException", `Challenge ${name} is not supported by this user pool.`);
    }
  }

  private async passwordVerifier(responses: Input): Promise<unknown> {
    const secretBlock = str(responses, "PASSWORD_CLAIM_SECRET_BLOCK");
    const state = this.verifiers.get(secretBlock);
    this.verifiers.delete(secretBlock);
    if (!state || state.expiresAt <= this.now()) throw fail("NotAuthorizedException", SESSION_EXPIRED);
    const user = state.username ? this.deps.store.findUser(state.username) : undefined;
    const claim = {
      secretBlock,
      timestamp: str(responses, "TIMESTAMP"),
      signature: str(responses, "PASSWORD_CLAIM_SIGNATURE"),
    };
    if (!user || !passwordClaimMatches(this.deps.identity.userPoolId, user.username, state.hkdf, claim))
      throw fail("NotAuthorizedException", WRONG_PASSWORD);
    if (user.status === "RESET_REQUIRED")
      throw fail("PasswordResetRequiredException", "Password reset required for the user");
    if (user.status === "FORCE_CHANGE_PASSWORD") {
      if ((user.temporaryPasswordExpiresAt ?? Number.POSITIVE_INFINITY) <= this.now())
        throw fail("NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.");
      return {
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: this.openSession("NEW_PASSWORD_REQUIRED", user.username),
        ChallengeParameters: {
          USER_ID_FOR_SRP: user.username,
          requiredAttributes: "[]",
          userAttributes: JSON.stringify({ email_verified: "true", email: user.email }),
        },
      };
    }
    return this.nextStep(user);
  }

  /** After the password: the second factor if the user has one, its setup if the pool requires one, else tokens. */
  private nextStep(user: UserRecord): Promise<unknown> | unknown {
    if (user.totp && (user.totp.enabled || this.deps.settings.mfa === "ON") && this.deps.settings.mfa !== "OFF") {
      return {
        ChallengeName: "SOFTWARE_TOKEN_MFA",
        Session: this.openSession("SOFTWARE_TOKEN_MFA", user.username),
        ChallengeParameters: { USER_ID_FOR_SRP: user.username },
      };
    }
    if (this.deps.settings.mfa === "ON") {
      return {
        ChallengeName: "MFA_SETUP",
        Session: this.openSession("MFA_SETUP", user.username),
        ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: user.username },
      };
    }
    return this.signedIn(user);
  }

  private async signedIn(user: UserRecord): Promise<unknown> {
    const now = this.now();
    const authTime = Math.floor(now / 1000);
    const originJti = randomUUID();
    const refreshToken = randomBytes(96).toString("base64url");
    const expiresAt = now + this.deps.settings.refreshTokenDays * 86_400_000;
    this.deps.store.forgetExpired(now);
    this.deps.store.addRefreshToken(refreshToken, { username: user.username, originJti, authTime, expiresAt });
    const tokens = await this.deps.tokens.issue(user, { originJti, authTime }, this.deps.settings, now);
    return {
      ChallengeParameters: {},
      AuthenticationResult: {
        AccessToken: tokens.accessToken,
        IdToken: tokens.idToken,
        RefreshToken: refreshToken,
        ExpiresIn: this.deps.settings.accessTokenMinutes * 60,
        TokenType: "Bearer",
      },
    };
  }

  private async setPassword(user: UserRecord, password: string): Promise<void> {
    const problems = passwordProblems(password);
    if (problems.length > 0)
      throw fail("InvalidPasswordException", `Password does not conform to policy: ${problems[0]}`);
    user.password = await createPasswordVerifier(this.deps.identity.userPoolId, user.username, password);
    user.status = "CONFIRMED";
    user.temporaryPasswordExpiresAt = undefined;
    user.updatedAt = this.now();
    this.deps.store.save();
  }

  /** The user behind a valid, unrevoked access token. */
  private async userOfAccessToken(token: string): Promise<UserRecord> {
    let claims: Awaited<ReturnType<UserPoolTokens["verifyAccessToken"]>>;
    try {
      claims = await this.deps.tokens.verifyAccessToken(token, this.now());
    } catch (err) {
      throw fail("NotAuthorizedException", (err as Error).message);
    }
    if (this.deps.store.isRevoked(claims.origin_jti))
      throw fail("NotAuthorizedException", "Access Token has been revoked");
    const user = this.deps.store.findUser(claims.username);
    if (!user) throw fail("UserNotFoundException", "User does not exist.");
    return user;
  }

  /** AssociateSoftwareToken and VerifySoftwareToken take an access token or a session, not both. */
  private async tokenOrSession(input: Input): Promise<{ user: UserRecord; session?: ChallengeSession }> {
    const hasToken = typeof input.AccessToken === "string";
    const hasSession = typeof input.Session === "string";
    if (hasToken === hasSession)
      throw fail("InvalidParameterException", "Provide either AccessToken or Session, but not both.");
    if (hasToken) return { user: await this.userOfAccessToken(input.AccessToken as string) };
    // A wrong code may be retried within the same session, so it is taken only on success.
    return this.findSession(input.Session, "MFA_SETUP");
  }

  private async associateSoftwareToken(input: Input): Promise<unknown> {
    if (this.deps.settings.mfa === "OFF")
      throw fail("SoftwareTokenMFANotFoundException", "Software Token MFA has not been enabled by the userPool.");
    const { user, session } = await this.tokenOrSession(input);
    if (session) this.sessions.delete(input.Session as string);
    const secret = newTotpSecret();
    user.pendingTotpSecret = secret;
    user.updatedAt = this.now();
    this.deps.store.save();
    return {
      SecretCode: secret,
      ...(session ? { Session: this.openSession("MFA_SETUP", user.username) } : {}),
    };
  }

  private async verifySoftwareToken(input: Input): Promise<unknown> {
    const code = str(input, "UserCode");
    const { user, session } = await this.tokenOrSession(input);
    const secret = user.pendingTotpSecret;
    const step = secret ? await acceptedTimeStep(secret, code, undefined, this.now()) : undefined;
    if (!secret || step === undefined) {
      if (session) this.sessionFailed(input.Session, session);
      throw fail("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA");
    }
    if (session) this.sessions.delete(input.Session as string);
    // Verifying a new token replaces any earlier one (AssociateSoftwareToken API reference).
    // Set up during a sign-in (the pool requires MFA) it is in use at once; with an access token,
    // once SetUserMFAPreference enables it.
    user.totp = { secret, enabled: session !== undefined || (user.totp?.enabled ?? false), lastUsedTimeStep: step };
    user.pendingTotpSecret = undefined;
    user.updatedAt = this.now();
    this.deps.store.save();
    return {
      Status: "SUCCESS",
      ...(session ? { Session: this.openSession("MFA_SETUP", user.username, { softwareTokenVerified: true }) } : {}),
    };
  }

  private async forgotPassword(input: Input): Promise<unknown> {
    this.checkClient(input);
    const user = this.deps.store.findUser(str(input, "Username"));
    const delivery = (email: string) => ({
      CodeDeliveryDetails: { Destination: maskedEmail(email), DeliveryMedium: "EMAIL", AttributeName: "email" },
    });
    // PreventUserExistenceErrors: an unknown user gets the same answer and no message.
    if (!user) return delivery(str(input, "Username"));
    if (user.status === "FORCE_CHANGE_PASSWORD")
      throw fail("NotAuthorizedException", "User password cannot be reset in the current state.");
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    // Account recovery codes are valid for one hour (Cognito developer guide, "Recovering user accounts").
    user.resetCode = { hash: hashSecret(code), expiresAt: this.now() + 3_600_000, attempts: 0 };
    user.updatedAt = this.now();
    this.deps.store.save();
    this.send(user.email, "Your Babelcast password reset code", { code });
    return delivery(user.email);
  }

  private async confirmForgotPassword(input: Input): Promise<unknown> {
    this.checkClient(input);
    const user = this.deps.store.findUser(str(input, "Username"));
    const code = str(input, "ConfirmationCode");
    const password = str(input, "Password");
    const reset = user?.resetCode;
    if (!user || !reset) throw fail("CodeMismatchException", "Invalid verification code provided, please try again.");
    if (reset.expiresAt <= this.now())
      throw fail("ExpiredCodeException", "Invalid code provided, please request a code again.");
    if (reset.attempts >= 5)
      throw fail("LimitExceededException", "Attempt limit exceeded, please try after some time.");
    if (!sameText(hashSecret(code), reset.hash)) {
      reset.attempts += 1;
      this.deps.store.save();
      throw fail("CodeMismatchException", "Invalid verification code provided, please try again.");
    }
    await this.setPassword(user, password);
    user.resetCode = undefined;
    this.deps.store.save();
    return {};
  }

  private async getUser(input: Input): Promise<unknown> {
    const user = await this.userOfAccessToken(str(input, "AccessToken"));
    return {
      Username: user.username,
      UserAttributes: [
        { Name: "sub", Value: user.sub },
        { Name: "email_verified", Value: "true" },
        { Name: "email", Value: user.email },
      ],
      ...(user.totp?.enabled
        ? { PreferredMfaSetting: "SOFTWARE_TOKEN_MFA", UserMFASettingList: ["SOFTWARE_TOKEN_MFA"] }
        : {}),
    };
  }

  private async setUserMfaPreference(input: Input): Promise<unknown> {
    const user = await this.userOfAccessToken(str(input, "AccessToken"));
    if (record(input, "SMSMfaSettings").Enabled === true || record(input, "EmailMfaSettings").Enabled === true)
      throw fail("InvalidParameterException", "Only software token MFA is enabled for this user pool.");
    const totp = record(input, "SoftwareTokenMfaSettings");
    if (typeof totp.Enabled !== "boolean") return {};
    if (!user.totp) throw fail("InvalidParameterException", "User has not verified software token mfa");
    if (!totp.Enabled && this.deps.settings.mfa === "ON")
      throw fail("InvalidParameterException", "The user pool requires MFA: software token MFA cannot be turned off.");
    user.totp.enabled = totp.Enabled;
    user.updatedAt = this.now();
    this.deps.store.save();
    return {};
  }

  private async globalSignOut(input: Input): Promise<unknown> {
    const user = await this.userOfAccessToken(str(input, "AccessToken"));
    this.deps.store.signOutEverywhere(user);
    return {};
  }

  private async revokeToken(input: Input): Promise<unknown> {
    this.checkClient(input);
    const saved = this.deps.store.refreshToken(str(input, "Token"), this.now());
    // Revoking an unknown or already revoked token succeeds (RevokeToken API reference).
    if (saved) this.deps.store.revokeOrigin(saved.originJti, saved.expiresAt);
    return {};
  }

  private async adminCreateUser(input: Input): Promise<unknown> {
    this.checkPool(input);
    const email = str(input, "Username").trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw fail("InvalidParameterException", "Username should be an email.");
    if (this.deps.store.findUser(email))
      throw fail("UsernameExistsException", "An account with the given email already exists.");
    const temporary =
      typeof input.TemporaryPassword === "string" ? input.TemporaryPassword : generateTemporaryPassword();
    const problems = passwordProblems(temporary);
    if (problems.length > 0)
      throw fail("InvalidPasswordException", `Password does not conform to policy: ${problems[0]}`);
    const username = randomUUID();
    const now = this.now();
    const user: UserRecord = {
      username,
      sub: username,
      email,
      status: "FORCE_CHANGE_PASSWORD",
      password: await createPasswordVerifier(this.deps.identity.userPoolId, username, temporary),
      temporaryPasswordExpiresAt: now + this.deps.settings.temporaryPasswordDays * 86_400_000,
      createdAt: now,
      updatedAt: now,
    };
    this.deps.store.addUser(user);
    if (input.MessageAction !== "SUPPRESS")
      this.send(email, "Your Babelcast presenter account", { temporaryPassword: temporary });
    return {
      User: {
        Username: username,
        Attributes: [
          { Name: "sub", Value: user.sub },
          { Name: "email", Value: email },
          { Name: "email_verified", Value: "true" },
        ],
        UserCreateDate: now / 1000,
        UserLastModifiedDate: now / 1000,
        Enabled: true,
        UserStatus: user.status,
      },
    };
  }

  /** Nothing leaves the machine offline: "e-mail" goes to the data dir's outbox and the log. */
  private send(to: string, subject: string, content: { code?: string; temporaryPassword?: string }): void {
    const line = { at: new Date(this.now()).toISOString(), to, subject, ...content };
    appendFileSync(join(this.deps.dir, OUTBOX_FILE), `${JSON.stringify(line)}\n`, { mode: 0o600 });
    this.deps.log.info("user pool message (not sent: offline; also in the data dir's cognito/outbox.jsonl)", line);
  }
}
