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
  type IAuthenticationCallback,
  type ICognitoStorage,
} from "amazon-cognito-identity-js";
import { explainCognitoError, identityPoolLoginKey } from "./cognitoClaims.js";
import { totpKeyUri } from "./totpSetup.js";

export interface CognitoConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly identityPoolId: string;
  /** The user pool endpoint when it is not AWS's (the embedded server's own user pool). */
  readonly userPoolEndpoint?: string;
  /** The identity pool endpoint when it is not AWS's. */
  readonly identityPoolEndpoint?: string;
}

export interface CognitoSignedIn {
  /** The user pool ID token: the bearer for the HTTP and WebSocket APIs; refreshed when near expiry. */
  idToken(): Promise<string>;
  /** Identity pool credentials for Transcribe streaming, refreshed before they expire. */
  credentials: AwsCredentialIdentityProvider;
  /** Revokes the refresh token (and the access tokens issued with it), then forgets the tokens. */
  signOut(): Promise<void>;
  /** Whether this account's sign-ins ask for an authenticator code. */
  hasAuthenticator(): Promise<boolean>;
  /** Adds an authenticator app to the signed-in account (pools where MFA is optional). */
  addAuthenticator(): Promise<AuthenticatorSetup>;
}

/** An authenticator being added: the key to show, and the first code to confirm it with. */
export interface AuthenticatorSetup {
  readonly secret: string;
  readonly keyUri: string;
  /** Verifies the code and turns the authenticator on for later sign-ins. */
  verify(code: string): Promise<void>;
}

/**
 * Where a sign-in stands. Each step that needs the presenter carries a `submit` that answers
 * it and resolves to the next step; a wrong answer rejects with a message to show, and the
 * same step may be submitted again.
 */
export type SignInStep =
  | { readonly kind: "signedIn"; readonly signedIn: CognitoSignedIn }
  /** First sign-in with the administrator's temporary password. */
  | { readonly kind: "newPassword"; submit(newPassword: string): Promise<SignInStep> }
  /** The pool requires an authenticator app and this account has none yet. */
  | {
      readonly kind: "mfaSetup";
      /** Base32 secret, for typing into the app. */
      readonly secret: string;
      /** `otpauth://` URI, for the QR code. */
      readonly keyUri: string;
      submit(code: string): Promise<SignInStep>;
    }
  /** The six-digit code from the presenter's authenticator app. */
  | { readonly kind: "totp"; submit(code: string): Promise<SignInStep> };

/** Tokens stay in this window's memory only: a shared lectern keeps nothing once the console closes. */
function memoryStorage(): ICognitoStorage {
  const items = new Map<string, string>();
  return {
    setItem: (key, value) => void items.set(key, value),
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  };
}

/** A user of the pool whose tokens live in memory only (the pool's and the user's storage alike). */
function poolUser(config: CognitoConfig, email: string): CognitoUser {
  const storage = memoryStorage();
  const pool = new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.userPoolClientId,
    Storage: storage,
    ...(config.userPoolEndpoint ? { endpoint: config.userPoolEndpoint } : {}),
  });
  return new CognitoUser({ Username: email, Pool: pool, Storage: storage });
}

const failure = (err: unknown) => new Error(explainCognitoError(err as { code?: string; message?: string }));

/** The library's callbacks for any step of the sign-in, turned into the next `SignInStep`. */
function stepCallbacks(
  config: CognitoConfig,
  user: CognitoUser,
  email: string,
  resolve: (step: SignInStep) => void,
  reject: (err: Error) => void,
): IAuthenticationCallback {
  const next = (ask: (cb: IAuthenticationCallback, res: (s: SignInStep) => void, rej: (e: Error) => void) => void) =>
    new Promise<SignInStep>((res, rej) => ask(stepCallbacks(config, user, email, res, rej), res, rej));
  const totpStep: SignInStep = {
    kind: "totp",
    submit: (code) => next((cb) => user.sendMFACode(code, cb, "SOFTWARE_TOKEN_MFA")),
  };
  return {
    onSuccess: (session) => resolve({ kind: "signedIn", signedIn: signedIn(config, user, session) }),
    onFailure: (err) => reject(failure(err)),
    newPasswordRequired: () =>
      resolve({
        kind: "newPassword",
        submit: (newPassword) => next((cb) => user.completeNewPasswordChallenge(newPassword, {}, cb)),
      }),
    mfaSetup: () =>
      user.associateSoftwareToken({
        associateSecretCode: (secret) =>
          resolve({
            kind: "mfaSetup",
            secret,
            keyUri: totpKeyUri(secret, email),
            submit: (code) =>
              new Promise<SignInStep>((res, rej) =>
                user.verifySoftwareToken(code, "Babelcast console", {
                  onSuccess: (session) => res({ kind: "signedIn", signedIn: signedIn(config, user, session) }),
                  onFailure: (err) => rej(failure(err)),
                }),
              ),
          }),
        onFailure: (err) => reject(failure(err)),
      }),
    totpRequired: () => resolve(totpStep),
    // A pool offering both SMS and TOTP asks which; Babelcast's offers TOTP only, so answer it.
    selectMFAType: () =>
      user.sendMFASelectionAnswer("SOFTWARE_TOKEN_MFA", {
        onSuccess: (session) => resolve({ kind: "signedIn", signedIn: signedIn(config, user, session) }),
        onFailure: (err) => reject(failure(err)),
        mfaRequired: () =>
          reject(
            new Error(
              "This account uses text-message codes; ask your administrator to switch it to an authenticator app.",
            ),
          ),
        totpRequired: () => resolve(totpStep),
      }),
    mfaRequired: () =>
      reject(
        new Error("This account uses text-message codes; ask your administrator to switch it to an authenticator app."),
      ),
    customChallenge: () => reject(new Error("This account needs a sign-in step the console does not offer.")),
  };
}

/**
 * Cloud sign-in: the Cognito user pool (SRP: the password never crosses the network) for the
 * API's bearer token, then the identity pool for temporary AWS credentials scoped to Transcribe.
 * Resolves to the first step that needs the presenter, or to `signedIn`.
 */
export function signInWithCognito(config: CognitoConfig, email: string, password: string): Promise<SignInStep> {
  const user = poolUser(config, email);
  const details = new AuthenticationDetails({ Username: email, Password: password });
  return new Promise((resolve, reject) =>
    user.authenticateUser(details, stepCallbacks(config, user, email, resolve, reject)),
  );
}

/** A forgotten password: Cognito e-mails a code; `confirm` sets the new password with it. */
export interface PasswordReset {
  /** Where the code went, masked (`j***@e***`). */
  readonly destination: string;
  confirm(code: string, newPassword: string): Promise<void>;
}

export function requestPasswordReset(config: CognitoConfig, email: string): Promise<PasswordReset> {
  const user = poolUser(config, email);
  return new Promise((resolve, reject) => {
    const sent = (data: { CodeDeliveryDetails?: { Destination?: string } }) =>
      resolve({
        destination: data.CodeDeliveryDetails?.Destination ?? email,
        confirm: (code, newPassword) =>
          new Promise<void>((res, rej) =>
            user.confirmPassword(code, newPassword, { onSuccess: () => res(), onFailure: (err) => rej(failure(err)) }),
          ),
      });
    user.forgotPassword({ onSuccess: sent, inputVerificationCode: sent, onFailure: (err) => reject(failure(err)) });
  });
}

function signedIn(config: CognitoConfig, user: CognitoUser, first: CognitoUserSession): CognitoSignedIn {
  let session = first;
  const idToken = async (): Promise<string> => {
    if (session.isValid() && session.getIdToken().getExpiration() * 1000 - Date.now() > 5 * 60_000)
      return session.getIdToken().getJwtToken();
    session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.refreshSession(session.getRefreshToken(), (err: Error | null, fresh: CognitoUserSession) =>
        err ? reject(failure(err)) : resolve(fresh),
      ),
    );
    return session.getIdToken().getJwtToken();
  };
  const identity = new CognitoIdentityClient({
    region: config.region,
    ...(config.identityPoolEndpoint ? { endpoint: config.identityPoolEndpoint } : {}),
  });
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
  const signOut = () =>
    new Promise<void>((resolve) => {
      cached = undefined;
      // Revocation failing (offline) must not keep the presenter signed in here: the tokens are forgotten either way.
      user.signOut(() => resolve());
    });
  const hasAuthenticator = () =>
    new Promise<boolean>((resolve, reject) =>
      user.getUserData(
        (err, data) =>
          err ? reject(failure(err)) : resolve((data?.UserMFASettingList ?? []).includes("SOFTWARE_TOKEN_MFA")),
        { bypassCache: true },
      ),
    );
  const addAuthenticator = () =>
    new Promise<AuthenticatorSetup>((resolve, reject) =>
      user.associateSoftwareToken({
        associateSecretCode: (secret) =>
          resolve({
            secret,
            keyUri: totpKeyUri(secret, String(session.getIdToken().decodePayload().email ?? user.getUsername())),
            verify: (code) =>
              new Promise<void>((res, rej) =>
                user.verifySoftwareToken(code, "Babelcast console", {
                  // Verified is not yet in use: the preference turns it on for the next sign-ins.
                  onSuccess: () =>
                    user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, (err) =>
                      err ? rej(failure(err)) : res(),
                    ),
                  onFailure: (err) => rej(failure(err)),
                }),
              ),
          }),
        onFailure: (err) => reject(failure(err)),
      }),
    );
  return { idToken, credentials, signOut, hasAuthenticator, addAuthenticator };
}
