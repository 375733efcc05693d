import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";

/**
 * The user pool's RS256 signing key and the tokens it signs, shaped like Cognito's
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html):
 * `iss` is the real issuer form `https://cognito-idp.<region>.amazonaws.com/<poolId>`, so
 * aws-jwt-verify checks them unchanged; only where the JWKS is fetched from differs.
 */

export interface TokenSubject {
  readonly sub: string;
  readonly username: string;
  readonly email: string;
}

export interface IssuedTokens {
  readonly idToken: string;
  readonly accessToken: string;
  /** Shared by every access token issued under one sign-in; revoking it ends them all. */
  readonly originJti: string;
}

export interface AccessClaims extends JWTPayload {
  readonly sub: string;
  readonly username: string;
  readonly origin_jti: string;
  readonly token_use: "access";
  readonly client_id: string;
}

export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

export class UserPoolTokens {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly issuer: string,
    private readonly clientId: string,
  ) {}

  /** Loads `D/cognito/signing-key.json`, creating the key on first start so tokens outlive restarts. */
  static async load(
    dir: string,
    pool: { readonly region: string; readonly userPoolId: string; readonly clientId: string },
  ): Promise<UserPoolTokens> {
    const file = join(dir, "signing-key.json");
    let privateJwk: JWK;
    try {
      privateJwk = JSON.parse(readFileSync(file, "utf8")) as JWK;
    } catch {
      const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
      privateJwk = { ...(await exportJWK(privateKey)), kid: randomBytes(16).toString("base64url"), alg: "RS256" };
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    const privateKey = (await importJWK(privateJwk, "RS256")) as CryptoKey;
    return new UserPoolTokens(
      privateKey,
      { ...publicJwk, use: "sig" },
      cognitoIssuer(pool.region, pool.userPoolId),
      pool.clientId,
    );
  }

  /** `GET /<poolId>/.well-known/jwks.json`. */
  jwks(): JSONWebKeySet {
    return { keys: [this.publicJwk] };
  }

  private sign(claims: JWTPayload, nowSeconds: number, lifetimeMinutes: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: this.publicJwk.kid })
      .setIssuer(this.issuer)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + lifetimeMinutes * 60)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  async issue(
    subject: TokenSubject,
    session: { readonly originJti: string; readonly authTime: number },
    lifetimes: { readonly idTokenMinutes: number; readonly accessTokenMinutes: number },
    nowMs: number,
  ): Promise<IssuedTokens> {
    const now = Math.floor(nowMs / 1000);
    const eventId = randomUUID();
    const idToken = await this.sign(
      {
        sub: subject.sub,
        email_verified: true,
        "cognito:username": subject.username,
        origin_jti: session.originJti,
        aud: this.clientId,
        event_id: eventId,
        token_use: "id",
        auth_time: session.authTime,
        email: subject.email,
      },
      now,
      lifetimes.idTokenMinutes,
    );
    const accessToken = await this.sign(
      {
        sub: subject.sub,
        client_id: this.clientId,
        origin_jti: session.originJti,
        event_id: eventId,
        token_use: "access",
        scope: "aws.cognito.signin.user.admin",
        auth_time: session.authTime,
        username: subject.username,
      },
      now,
      lifetimes.accessTokenMinutes,
    );
    return { idToken, accessToken, originJti: session.originJti };
  }

  /** Checks signature, issuer, expiry and use; throws a message in Cognito's words when one fails. */
  async verifyAccessToken(token: string, nowMs: number): Promise<AccessClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey(), {
        issuer: this.issuer,
        currentDate: new Date(nowMs),
        algorithms: ["RS256"],
      }));
    } catch (err) {
      throw new Error(
        (err as { code?: string }).code === "ERR_JWT_EXPIRED" ? "Access Token has expired" : "Invalid Access Token",
      );
    }
    if (payload.token_use !== "access" || payload.client_id !== this.clientId) throw new Error("Invalid Access Token");
    return payload as AccessClaims;
  }

  /** Verifies an ID token of this pool (identity pool logins). */
  async verifyIdToken(token: string, nowMs: number): Promise<JWTPayload & { readonly sub: string }> {
    const { payload } = await jwtVerify(token, this.publicKey(), {
      issuer: this.issuer,
      audience: this.clientId,
      currentDate: new Date(nowMs),
      algorithms: ["RS256"],
    });
    if (payload.token_use !== "id" || typeof payload.sub !== "string") throw new Error("not an ID token");
    return payload as JWTPayload & { readonly sub: string };
  }

  private publicKey(): JWK {
    return this.publicJwk;
  }
}
