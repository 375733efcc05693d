import { CognitoJwtVerifier } from "aws-jwt-verify";
import type { JwtVerify } from "../services/ownerAuth.js";

/** Verifies Cognito user pool ID tokens of the console's app client (JWKS fetched and cached). */
export function cognitoJwtVerify(userPoolId: string, clientId: string): JwtVerify {
  const verifier = CognitoJwtVerifier.create({ userPoolId, clientId, tokenUse: "id" });
  return async (token) => {
    const payload = await verifier.verify(token);
    return { sub: payload.sub };
  };
}
