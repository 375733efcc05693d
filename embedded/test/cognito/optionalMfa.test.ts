import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserPoolService } from "../../src/cognito/userPoolService.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { associate, codeAt, newPassword, sendTotp, signIn } from "./cognitoClient.js";

/**
 * A pool where MFA is optional, like the stack's: no MFA_SETUP at sign-in; a presenter adds an
 * authenticator with the access token, and it counts once SetUserMFAPreference turns it on.
 */

const TEMPORARY = "Temporary-Pass-1";
const CHOSEN = "Chosen-Password-2";
const EMAIL = "optional@example.org";

let server: RunningEmbeddedServer;
let pool: CognitoUserPool;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "babelcast-userpool-optional-"));
  writeFileSync(join(dataDir, "embedded.json"), JSON.stringify({ cognito: { enabled: true } }));
  server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir, services: [createUserPoolService] });
  const { auth, endpoints, region } = server.context.config;
  if (auth.kind !== "cognito") throw new Error("the user pool is not on");
  pool = new CognitoUserPool({
    UserPoolId: auth.userPoolId,
    ClientId: auth.userPoolClientId,
    endpoint: endpoints?.cognitoIdp,
  });
  const admin = new CognitoIdentityProviderClient({
    region,
    endpoint: endpoints?.cognitoIdp,
    credentials: server.context.credentials,
  });
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: auth.userPoolId,
      Username: EMAIL,
      TemporaryPassword: TEMPORARY,
      MessageAction: "SUPPRESS",
    }),
  );
  admin.destroy();
});
afterAll(async () => {
  await server?.close();
});

function mfaSettings(user: CognitoUser): Promise<string[]> {
  return new Promise((resolve, reject) =>
    user.getUserData((err, data) => (err ? reject(err) : resolve(data?.UserMFASettingList ?? [])), {
      bypassCache: true,
    }),
  );
}

describe("embedded user pool with optional MFA", () => {
  it("signs in without a code until the presenter adds and turns on an authenticator", async () => {
    const user = new CognitoUser({ Username: EMAIL, Pool: pool });
    expect(await signIn(user, EMAIL, TEMPORARY)).toMatchObject({ kind: "newPassword" });
    expect((await newPassword(user, CHOSEN)).kind).toBe("signedIn");
    expect(await mfaSettings(user)).toEqual([]);

    // Added with the access token: verified, but not asked for until the preference turns it on.
    const secret = await associate(user);
    const code = await codeAt(secret, 0);
    await new Promise((resolve, reject) =>
      user.verifySoftwareToken(code, "test authenticator", { onSuccess: resolve, onFailure: reject }),
    );
    expect(await mfaSettings(user)).toEqual([]);
    const again = new CognitoUser({ Username: EMAIL, Pool: pool });
    expect((await signIn(again, EMAIL, CHOSEN)).kind).toBe("signedIn");

    await new Promise<void>((resolve, reject) =>
      user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, (err) => (err ? reject(err) : resolve())),
    );
    expect(await mfaSettings(user)).toEqual(["SOFTWARE_TOKEN_MFA"]);
    const later = new CognitoUser({ Username: EMAIL, Pool: pool });
    expect(await signIn(later, EMAIL, CHOSEN)).toMatchObject({ kind: "totp" });
    expect((await sendTotp(later, await codeAt(secret, 1))).kind).toBe("signedIn");
  });
});
