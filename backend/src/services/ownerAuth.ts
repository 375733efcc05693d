import { timingSafeEqual } from "node:crypto";

/**
 * Who may act as a session owner. Embedded: the console owner token from the data dir.
 * Cloud: a Cognito user pool JWT (the verifier is injected, so this stays pure).
 */

export interface OwnerIdentity {
  readonly ownerId: string;
  /** The signed-in presenter's e-mail, lower case (Cognito sign-in only): a hand-off may name it. */
  readonly email?: string;
}

export interface OwnerAuthenticator {
  readonly kind: "owner-token" | "cognito";
  /** Resolves the owner, or undefined when the token proves nothing. */
  authenticate(token: string): Promise<OwnerIdentity | undefined>;
}

export type OwnerAuthConfig =
  | { readonly kind: "owner-token"; readonly token: string }
  | {
      readonly kind: "cognito";
      readonly userPoolId: string;
      readonly clientId: string;
      /** Where the pool's signing keys are, when not at the issuer (the embedded user pool). */
      readonly jwksUri?: string;
    };

/** Verifies a JWT and returns its payload; throws when it is not valid. */
export type JwtVerify = (token: string) => Promise<{ readonly sub: string; readonly email?: string }>;

export const LOCAL_OWNER_ID = "local-owner";

export function ownerTokenAuthenticator(expected: string): OwnerAuthenticator {
  const want = Buffer.from(expected);
  return {
    kind: "owner-token",
    async authenticate(token) {
      const got = Buffer.from(token);
      return got.length === want.length && timingSafeEqual(got, want) ? { ownerId: LOCAL_OWNER_ID } : undefined;
    },
  };
}

export function cognitoAuthenticator(verify: JwtVerify): OwnerAuthenticator {
  return {
    kind: "cognito",
    async authenticate(token) {
      try {
        const payload = await verify(token);
        const email = payload.email?.toLowerCase();
        return { ownerId: `cognito:${payload.sub}`, ...(email ? { email } : {}) };
      } catch {
        return undefined;
      }
    },
  };
}

/** Picks the authenticator for the configuration; `makeJwtVerify` builds the Cognito verifier. */
export function selectOwnerAuthenticator(
  config: OwnerAuthConfig,
  makeJwtVerify: (userPoolId: string, clientId: string, jwksUri?: string) => JwtVerify,
): OwnerAuthenticator {
  return config.kind === "owner-token"
    ? ownerTokenAuthenticator(config.token)
    : cognitoAuthenticator(makeJwtVerify(config.userPoolId, config.clientId, config.jwksUri));
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1];
}
