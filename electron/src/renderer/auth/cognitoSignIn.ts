import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from "@aws-sdk/client-cognito-identity";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { explainCognitoError, identityPoolLoginKey } from "./cognitoClaims.js";

export interface CognitoConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly identityPoolId: string;
}

export interface CognitoSignedIn {
  /** The user pool ID token: the bearer for the HTTP and WebSocket APIs; refreshed when near expiry. */
  idToken(): Promise<string>;
  /** Identity pool credentials for Transcribe streaming, refreshed before they expire. */
  credentials: AwsCredentialIdentityProvider;
  signOut(): void;
}

/** A sign-in step that needs more from the presenter (first login with a temporary password). */
export class NewPasswordRequired extends Error {
  constructor(readonly complete: (newPassword: string) => Promise<CognitoSignedIn>) {
    super("Choose a new password to finish your first sign-in.");
  }
}

/**
 * Cloud sign-in: the Cognito user pool (SRP, no password on the wire) for the API's bearer
 * token, then the identity pool for temporary AWS credentials scoped to Transcribe.
 */
export function signInWithCognito(config: CognitoConfig, email: string, password: string): Promise<CognitoSignedIn> {
  const pool = new CognitoUserPool({ UserPoolId: config.userPoolId, ClientId: config.userPoolClientId });
  const user = new CognitoUser({ Username: email, Pool: pool });
  const details = new AuthenticationDetails({ Username: email, Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: (session) => resolve(signedIn(config, user, session)),
      onFailure: (err) => reject(new Error(explainCognitoError(err))),
      newPasswordRequired: () =>
        reject(
          new NewPasswordRequired(
            (newPassword) =>
              new Promise((res, rej) =>
                user.completeNewPasswordChallenge(
                  newPassword,
                  {},
                  {
                    onSuccess: (session) => res(signedIn(config, user, session)),
                    onFailure: (err) => rej(new Error(explainCognitoError(err))),
                  },
                ),
              ),
          ),
        ),
    });
  });
}

function signedIn(config: CognitoConfig, user: CognitoUser, first: CognitoUserSession): CognitoSignedIn {
  let session = first;
  const idToken = async (): Promise<string> => {
    if (session.isValid() && session.getIdToken().getExpiration() * 1000 - Date.now() > 5 * 60_000)
      return session.getIdToken().getJwtToken();
    session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.refreshSession(session.getRefreshToken(), (err: Error | null, fresh: CognitoUserSession) =>
        err ? reject(new Error(explainCognitoError(err))) : resolve(fresh),
      ),
    );
    return session.getIdToken().getJwtToken();
  };
  const identity = new CognitoIdentityClient({ region: config.region });
  let cached: AwsCredentialIdentity | undefined;
  const credentials: AwsCredentialIdentityProvider = async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached;
    const logins = { [identityPoolLoginKey(config.userPoolId)]: await idToken() };
    const { IdentityId } = await identity.send(
      new GetIdCommand({ IdentityPoolId: config.identityPoolId, Logins: logins }),
    );
    const { Credentials: c } = await identity.send(
      new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }),
    );
    if (!c?.AccessKeyId || !c.SecretKey) throw new Error("the identity pool returned no credentials");
    cached = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    return cached;
  };
  return { idToken, credentials, signOut: () => user.signOut() };
}
