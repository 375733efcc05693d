import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from "@aws-sdk/client-cognito-identity";
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { cognitoJwtVerify } from "@babelcast/backend/aws/cognitoJwt.js";
import type { ConfigDocument } from "@babelcast/protocol";
import { CognitoUser, CognitoUserPool, type CognitoUserSession } from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsService } from "../../src/auth/temporaryCredentials.js";
import { createUserPoolService, userPoolJwksPath } from "../../src/cognito/userPoolService.js";
import { OUTBOX_FILE } from "../../src/cognito/userPoolSettings.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { associate, codeAt, newPassword, sendTotp, signIn, verifyToken } from "./cognitoClient.js";

/**
 * The embedded user pool driven by amazon-cognito-identity-js, the console's own client:
 * SRP sign-in, the temporary password's NEW_PASSWORD_REQUIRED, MFA_SETUP with a session,
 * SOFTWARE_TOKEN_MFA, forgotten passwords, refresh, revocation and the identity pool.
 */

const TEMPORARY = "Temporary-Pass-1";
const CHOSEN = "Chosen-Password-2";

let server: RunningEmbeddedServer;
let dataDir: string;
let auth: Extract<ConfigDocument["auth"], { kind: "cognito" }>;
let endpoint: string;
let pool: CognitoUserPool;
let admin: CognitoIdentityProviderClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-userpool-"));
  writeFileSync(join(dataDir, "embedded.json"), JSON.stringify({ cognito: { enabled: true, mfa: "ON" } }));
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    services: [credentialsService, createUserPoolService],
  });
  const config = server.context.config;
  if (config.auth.kind !== "cognito" || !config.endpoints?.cognitoIdp) throw new Error("the user pool is not on");
  auth = config.auth;
  endpoint = config.endpoints.cognitoIdp;
  pool = new CognitoUserPool({ UserPoolId: auth.userPoolId, ClientId: auth.userPoolClientId, endpoint });
  admin = new CognitoIdentityProviderClient({
    region: server.context.region,
    endpoint,
    credentials: server.context.credentials,
  });
});
afterAll(async () => {
  admin?.destroy();
  await server?.close();
});

let users = 0;
async function createPresenter(): Promise<string> {
  const email = `presenter${++users}@example.org`;
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: auth.userPoolId,
      Username: email,
      TemporaryPassword: TEMPORARY,
      MessageAction: "SUPPRESS",
    }),
  );
  return email;
}

/** A presenter through first sign-in and TOTP setup; returns the TOTP secret. */
async function onboard(email: string): Promise<{ secret: string; session: CognitoUserSession }> {
  const user = new CognitoUser({ Username: email, Pool: pool });
  expect(await signIn(user, email, TEMPORARY)).toMatchObject({ kind: "newPassword" });
  expect(await newPassword(user, CHOSEN)).toMatchObject({ kind: "mfaSetup" });
  const secret = await associate(user);
  const done = await verifyToken(user, await codeAt(secret, 0));
  if (done.kind !== "signedIn") throw new Error(`MFA setup failed: ${JSON.stringify(done)}`);
  return { secret, session: done.session };
}

describe("embedded user pool through amazon-cognito-identity-js", () => {
  it("takes a first sign-in from temporary password to new password to TOTP setup, with tokens the backend accepts", async () => {
    const email = await createPresenter();
    const { secret, session } = await onboard(email);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const jwksUri = `${server.context.loopbackUrl}${userPoolJwksPath(auth.userPoolId)}`;
    const verify = cognitoJwtVerify(auth.userPoolId, auth.userPoolClientId, jwksUri);
    const { sub } = await verify(session.getIdToken().getJwtToken());
    expect(sub).toBe(session.getIdToken().decodePayload().sub);
    expect(session.getIdToken().decodePayload()).toMatchObject({
      iss: `https://cognito-idp.${server.context.region}.amazonaws.com/${auth.userPoolId}`,
      email,
      token_use: "id",
    });
    // An access token is not an ID token: the API refuses it as its bearer.
    await expect(verify(session.getAccessToken().getJwtToken())).rejects.toThrow();
  });

  it("asks for the TOTP code on later sign-ins and refuses wrong and replayed codes", async () => {
    const email = await createPresenter();
    const { secret } = await onboard(email);
    const user = new CognitoUser({ Username: email, Pool: pool });
    expect(await signIn(user, email, "Wrong-Password-9")).toMatchObject({
      kind: "failed",
      code: "NotAuthorizedException",
    });
    expect(await signIn(user, email, CHOSEN)).toMatchObject({ kind: "totp" });
    const replayed = await codeAt(secret, 0);
    expect(await sendTotp(user, replayed)).toMatchObject({ kind: "failed", code: "CodeMismatchException" });
    expect(await sendTotp(user, "000000")).toMatchObject({ kind: "failed", code: "CodeMismatchException" });
    const step = await sendTotp(user, await codeAt(secret, 1));
    expect(step.kind).toBe("signedIn");
  });

  it("answers an unknown e-mail exactly like a wrong password", async () => {
    const user = new CognitoUser({ Username: "nobody@example.org", Pool: pool });
    expect(await signIn(user, "nobody@example.org", CHOSEN)).toEqual({
      kind: "failed",
      code: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });

  it("refuses a new password the policy rejects, and accepts a good one in the same session", async () => {
    const email = await createPresenter();
    const user = new CognitoUser({ Username: email, Pool: pool });
    expect(await signIn(user, email, TEMPORARY)).toMatchObject({ kind: "newPassword" });
    expect(await newPassword(user, "short")).toMatchObject({ kind: "failed", code: "InvalidPasswordException" });
    expect(await newPassword(user, CHOSEN)).toMatchObject({ kind: "mfaSetup" });
  });

  it("resets a forgotten password with the code from the outbox", async () => {
    const email = await createPresenter();
    const { secret } = await onboard(email);
    const user = new CognitoUser({ Username: email, Pool: pool });
    const delivery = await new Promise<unknown>((resolve, reject) =>
      user.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }),
    );
    expect(delivery).toMatchObject({ CodeDeliveryDetails: { DeliveryMedium: "EMAIL", Destination: "p***@e***" } });
    const lines = readFileSync(join(dataDir, "cognito", OUTBOX_FILE), "utf8")
      .trim()
      .split("\n");
    const message = JSON.parse(lines.at(-1) ?? "{}") as { to: string; code: string };
    expect(message.to).toBe(email);

    const confirm = (code: string, password: string) =>
      new Promise<string>((resolve) =>
        user.confirmPassword(code, password, {
          onSuccess: () => resolve("SUCCESS"),
          onFailure: (err) => resolve((err as Error & { code: string }).code),
        }),
      );
    const wrong = message.code === "000000" ? "111111" : "000000";
    expect(await confirm(wrong, "Reset-Password-3")).toBe("CodeMismatchException");
    expect(await confirm(message.code, "Reset-Password-3")).toBe("SUCCESS");
    expect(await signIn(user, email, CHOSEN)).toMatchObject({ kind: "failed", code: "NotAuthorizedException" });
    expect(await signIn(user, email, "Reset-Password-3")).toMatchObject({ kind: "totp" });
    expect((await sendTotp(user, await codeAt(secret, 1))).kind).toBe("signedIn");
  });

  it("refreshes tokens until sign-out revokes them", async () => {
    const email = await createPresenter();
    const { session } = await onboard(email);
    const user = new CognitoUser({ Username: email, Pool: pool });
    user.setSignInUserSession(session);
    const refresh = () =>
      new Promise<string>((resolve) =>
        user.refreshSession(session.getRefreshToken(), (err: { code?: string } | null) =>
          resolve(err ? (err.code ?? "error") : "refreshed"),
        ),
      );
    expect(await refresh()).toBe("refreshed");
    // The library calls back with the revocation's error, though its types declare no argument.
    const revoked = (done: (err?: Error) => void) => user.signOut(done as () => void);
    await new Promise<void>((resolve, reject) => revoked((err) => (err ? reject(err) : resolve())));
    expect(await refresh()).toBe("NotAuthorizedException");
    await expect(
      admin.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() })),
    ).rejects.toMatchObject({ name: "NotAuthorizedException", message: "Access Token has been revoked" });
  });

  it("signs out everywhere with GlobalSignOut", async () => {
    const email = await createPresenter();
    const { session } = await onboard(email);
    const user = new CognitoUser({ Username: email, Pool: pool });
    user.setSignInUserSession(session);
    const me = await admin.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() }));
    expect(me.UserAttributes).toContainEqual({ Name: "email", Value: email });
    await new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
    await expect(
      admin.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() })),
    ).rejects.toMatchObject({ name: "NotAuthorizedException" });
  });

  it("creates users only for IAM-signed requests", async () => {
    const stranger = new CognitoIdentityProviderClient({
      region: server.context.region,
      endpoint,
      credentials: { accessKeyId: "AKIDSTRANGER", secretAccessKey: "not-the-key" },
    });
    await expect(
      stranger.send(new AdminCreateUserCommand({ UserPoolId: auth.userPoolId, Username: "x@example.org" })),
    ).rejects.toMatchObject({ name: "UnrecognizedClientException" });
    stranger.destroy();
  });

  it("trades an ID token for temporary credentials at the identity pool", async () => {
    const email = await createPresenter();
    const { session } = await onboard(email);
    const identity = new CognitoIdentityClient({
      region: server.context.region,
      endpoint: server.context.config.endpoints?.cognitoIdentity,
    });
    const logins = {
      [`cognito-idp.${server.context.region}.amazonaws.com/${auth.userPoolId}`]: session.getIdToken().getJwtToken(),
    };
    const { IdentityId } = await identity.send(
      new GetIdCommand({ IdentityPoolId: auth.identityPoolId, Logins: logins }),
    );
    expect(IdentityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
    expect(Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now());
    await expect(
      identity.send(
        new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [Object.keys(logins)[0] ?? ""]: "x.y.z" } }),
      ),
    ).rejects.toMatchObject({ name: "NotAuthorizedException" });
    identity.destroy();
  });
});
