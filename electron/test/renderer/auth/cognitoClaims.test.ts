import { describe, expect, it } from "vitest";
import {
  explainCognitoError,
  identityPoolLoginKey,
  jwtExpiresSoon,
  jwtExpiry,
} from "../../../src/renderer/auth/cognitoClaims.js";

describe("cloud sign-in helpers", () => {
  const jwt = (payload: object) =>
    `h.${btoa(JSON.stringify(payload)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.s`;
  it("reads a JWT's expiry and says when to refresh", () => {
    expect(jwtExpiry(jwt({ exp: 2_000_000_000 }))).toBe(2_000_000_000);
    expect(jwtExpiry("nonsense")).toBeUndefined();
    expect(jwtExpiresSoon(jwt({ exp: 1000 }), 1000 * 1000 - 60_000)).toBe(true);
    expect(jwtExpiresSoon(jwt({ exp: 10_000 }), 1000 * 1000)).toBe(false);
  });
  it("builds the identity pool login key from the user pool id", () => {
    expect(identityPoolLoginKey("eu-west-1_AbCdEf")).toBe("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf");
  });
  it("explains Cognito errors in words a presenter can act on", () => {
    expect(explainCognitoError({ code: "NotAuthorizedException" })).toMatch(/Wrong e-mail or password/);
    expect(
      explainCognitoError({
        code: "NotAuthorizedException",
        message: "Invalid session for the user, session is expired.",
      }),
    ).toMatch(/took too long/);
    expect(explainCognitoError({ code: "CodeMismatchException" })).toMatch(/code is not right/);
    expect(explainCognitoError({ code: "EnableSoftwareTokenMFAException" })).toMatch(
      /authenticator code did not match/,
    );
    expect(explainCognitoError({ code: "InvalidPasswordException" })).toMatch(/at least 12 characters/);
    expect(explainCognitoError({ code: "ExpiredCodeException" })).toMatch(/Ask for a new one/);
    expect(explainCognitoError({ message: "odd" })).toBe("odd");
  });
});
