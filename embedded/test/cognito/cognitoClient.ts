import { AuthenticationDetails, type CognitoUser, type CognitoUserSession } from "amazon-cognito-identity-js";
import { generate } from "otplib";

/**
 * amazon-cognito-identity-js's callback flows as promises of the step each one stopped at, for
 * tests that drive the embedded user pool with the console's own client.
 */

/** What a sign-in attempt stopped at: each callback the console implements, recorded. */
export type Step =
  | { kind: "signedIn"; session: CognitoUserSession }
  | { kind: "newPassword" }
  | { kind: "mfaSetup" }
  | { kind: "totp" }
  | { kind: "failed"; code: string; message: string };

export function callbacks(resolve: (step: Step) => void) {
  return {
    onSuccess: (session: CognitoUserSession) => resolve({ kind: "signedIn", session }),
    onFailure: (err: { code?: string; name?: string; message: string }) =>
      resolve({ kind: "failed", code: err.code ?? err.name ?? "", message: err.message }),
    newPasswordRequired: () => resolve({ kind: "newPassword" }),
    mfaSetup: () => resolve({ kind: "mfaSetup" }),
    totpRequired: () => resolve({ kind: "totp" }),
    mfaRequired: () => resolve({ kind: "failed", code: "unexpected SMS_MFA", message: "" }),
  };
}

export function signIn(user: CognitoUser, email: string, password: string): Promise<Step> {
  return new Promise((resolve) =>
    user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), callbacks(resolve)),
  );
}

export function newPassword(user: CognitoUser, password: string): Promise<Step> {
  return new Promise((resolve) => user.completeNewPasswordChallenge(password, {}, callbacks(resolve)));
}

export function associate(user: CognitoUser): Promise<string> {
  return new Promise((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
  );
}

export function verifyToken(user: CognitoUser, code: string): Promise<Step> {
  return new Promise((resolve) =>
    user.verifySoftwareToken(code, "test authenticator", {
      onSuccess: (session: CognitoUserSession) => resolve({ kind: "signedIn", session }),
      onFailure: (err: { code?: string; message: string }) =>
        resolve({ kind: "failed", code: err.code ?? "", message: err.message }),
    }),
  );
}

export function sendTotp(user: CognitoUser, code: string): Promise<Step> {
  return new Promise((resolve) => user.sendMFACode(code, callbacks(resolve), "SOFTWARE_TOKEN_MFA"));
}

/** A code for a time step ahead of now: the one just used for the setup is refused as a replay. */
export function codeAt(secret: string, stepsAhead: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}
