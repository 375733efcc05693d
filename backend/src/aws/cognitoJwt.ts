import { CognitoJwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { JwtVerify } from "../services/ownerAuth.js";

/**
 * Verifies Cognito user pool ID tokens of the console's app client (JWKS fetched and cached).
 * `jwksUri` replaces where the keys come from (the embedded user pool serves them over
 * http on its own port); issuer, audience and token use are checked as for AWS's pools.
 */
export function cognitoJwtVerify(userPoolId: string, clientId: string, jwksUri?: string): JwtVerify {
  const jwksCache = jwksUri
    ? new SimpleJwksCache({
        fetcher: {
          async fetch() {
            const res = await fetch(jwksUri);
            if (!res.ok) throw new Error(`JWKS at ${jwksUri} answered ${res.status}`);
            return res.arrayBuffer();
          },
        },
      })
    : undefined;
  const verifier = CognitoJwtVerifier.create(
    { userPoolId, clientId, tokenUse: "id" },
    jwksCache ? { jwksCache } : undefined,
  );
  return async (token) => {
    const payload = await verifier.verify(token);
    return { sub: payload.sub, ...(typeof payload.email === "string" ? { email: payload.email } : {}) };
  };
}
