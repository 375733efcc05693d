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

/** Turns Cognito's error codes into what the presenter should do. */
export function explainCognitoError(err: { code?: string; name?: string; message?: string }): string {
  switch (err.code ?? err.name) {
    case "NotAuthorizedException":
      return "Wrong e-mail or password. Try again, or reset the password with your administrator.";
    case "UserNotFoundException":
      return "No presenter account with that e-mail. Ask your administrator to create one.";
    case "UserNotConfirmedException":
      return "This account is not confirmed yet. Use the link in the invitation e-mail first.";
    case "PasswordResetRequiredException":
      return "A password reset is required. Ask your administrator for a new temporary password.";
    case "NetworkError":
      return "Cannot reach the sign-in service. Check the internet connection and retry.";
    default:
      return err.message ?? "Sign-in failed. Retry.";
  }
}
