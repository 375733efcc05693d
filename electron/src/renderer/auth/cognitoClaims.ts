/** Pure helpers of the cloud sign-in: JWT expiry, the identity pool's login key. */

/** Seconds-since-epoch `exp` of a JWT, or undefined when it is not a readable JWT. */
export function jwtExpiry(jwt: string): number | undefined {
  const payload = jwt.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(
      payload
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}

/** True when the token expires within `marginSeconds` (refresh before the API refuses it). */
export function jwtExpiresSoon(jwt: string, nowMs: number, marginSeconds = 300): boolean {
  const exp = jwtExpiry(jwt);
  return exp === undefined || exp * 1000 - nowMs < marginSeconds * 1000;
}

/** The `Logins` key the identity pool expects for a user pool ID token. */
export function identityPoolLoginKey(userPoolId: string): string {
  const region = userPoolId.split("_")[0];
  return `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** Turns Cognito's error codes (and the messages that tell its refusals apart) into what the presenter should do. */
export function explainCognitoError(err: { code?: string; name?: string; message?: string }): string {
  const message = err.message ?? "";
  switch (err.code ?? err.name) {
    case "NotAuthorizedException":
      if (/session is expired/i.test(message))
        return "This sign-in step took too long. Start again from the e-mail and password.";
      if (/temporary password has expired/i.test(message))
        return "Your temporary password has expired. Ask your administrator for a new invitation.";
      if (/cannot be reset in the current state/i.test(message))
        return "Sign in with the temporary password from your invitation first; it cannot be reset before.";
      return 'Wrong e-mail or password. Try again, or choose "Forgot password?".';
    case "UserNotFoundException":
      return "No presenter account with that e-mail. Ask your administrator to create one.";
    case "UserNotConfirmedException":
      return "This account is not confirmed yet. Use the link in the invitation e-mail first.";
    case "PasswordResetRequiredException":
      return 'A password reset is required: choose "Forgot password?" to get a code by e-mail.';
    case "InvalidPasswordException":
      return "That password is not allowed: use at least 12 characters with upper and lower case letters, a digit and a symbol.";
    case "CodeMismatchException":
      return "That code is not right. Check it and type the current one again.";
    case "EnableSoftwareTokenMFAException":
      return "The authenticator code did not match. Check that the app shows Babelcast and type its current code.";
    case "ExpiredCodeException":
      return "That code has expired. Ask for a new one.";
    case "LimitExceededException":
    case "TooManyRequestsException":
    case "TooManyFailedAttemptsException":
      return "Too many attempts. Wait a few minutes, then try again.";
    case "NetworkError":
      return "Cannot reach the sign-in service. Check the internet connection and retry.";
    default:
      if (/network error/i.test(message)) return "Cannot reach the sign-in service. Check the connection and retry.";
      return err.message ?? "Sign-in failed. Retry.";
  }
}
