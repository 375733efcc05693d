import { randomUUID } from "node:crypto";
import type { TemporaryCredentialIssuer } from "../auth/temporaryCredentials.js";
import { AwsServiceError } from "../http/awsResponses.js";
import type { UserPoolIdentity } from "./userPoolSettings.js";
import type { UserPoolStore } from "./userPoolStore.js";
import type { UserPoolTokens } from "./userPoolTokens.js";

/**
 * The two identity pool operations the console calls with a user pool ID token (the
 * enhanced flow): GetId and GetCredentialsForIdentity, both public, unsigned APIs
 * (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html).
 * The credentials are the embedded server's temporary ones, which its Transcribe accepts.
 */

type Input = Record<string, unknown>;

export interface IdentityPoolDeps {
  readonly identity: UserPoolIdentity;
  readonly region: string;
  readonly store: UserPoolStore;
  readonly tokens: UserPoolTokens;
  readonly credentials: TemporaryCredentialIssuer;
  readonly now?: () => number;
}

export function createIdentityPoolOperations(
  deps: IdentityPoolDeps,
): Record<string, (input: Input) => Promise<unknown>> {
  const now = deps.now ?? Date.now;
  const loginKey = `cognito-idp.${deps.region}.amazonaws.com/${deps.identity.userPoolId}`;

  /** The user pool `sub` proven by the Logins map's ID token. */
  const provenSub = async (input: Input): Promise<string> => {
    const logins = (input.Logins ?? {}) as Record<string, unknown>;
    const token = logins[loginKey];
    if (typeof token !== "string")
      throw new AwsServiceError("NotAuthorizedException", 400, `Logins must hold an ID token under ${loginKey}.`);
    try {
      return (await deps.tokens.verifyIdToken(token, now())).sub;
    } catch {
      throw new AwsServiceError("NotAuthorizedException", 400, "Invalid login token. Token is expired or not valid.");
    }
  };

  return {
    async GetId(input) {
      if (input.IdentityPoolId !== deps.identity.identityPoolId)
        throw new AwsServiceError(
          "ResourceNotFoundException",
          400,
          `IdentityPool '${String(input.IdentityPoolId)}' not found.`,
        );
      const sub = await provenSub(input);
      return { IdentityId: deps.store.identityFor(sub, () => `${deps.region}:${randomUUID()}`) };
    },
    async GetCredentialsForIdentity(input) {
      const sub = await provenSub(input);
      const identityId = deps.store.identityFor(sub, () => `${deps.region}:${randomUUID()}`);
      if (input.IdentityId !== identityId)
        throw new AwsServiceError("NotAuthorizedException", 400, "Logins don't match.");
      const c = deps.credentials.issue();
      return {
        IdentityId: identityId,
        Credentials: {
          AccessKeyId: c.accessKeyId,
          SecretKey: c.secretAccessKey,
          SessionToken: c.sessionToken,
          Expiration: Date.parse(c.expiration) / 1000,
        },
      };
    },
  };
}
