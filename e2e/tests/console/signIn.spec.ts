import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { loadOrCreateCredentials } from "@babelcast/embedded/dataDir.js";
import { ConfigDocument } from "@babelcast/protocol";
import { expect, type Page, test } from "@playwright/test";
import { generate } from "otplib";
import { writeConsoleTestWav } from "../../support/consoleAudio.js";
import { ensureConsoleBuilt } from "../../support/consoleBuild.js";
import { fakeMicrophone } from "../../support/consoleFixtures.js";
import { type ServedEmbedded, serveEmbedded } from "../../support/embeddedServer.js";

/**
 * A presenter's whole sign-in life in the console page, against the embedded server's user
 * pool. MFA required: first sign-in with the administrator's temporary password, a new
 * password, authenticator setup (codes computed here from the key the page shows), a talk,
 * sign-out, a sign-in with a code, and a forgotten password. MFA optional (the stack's
 * setting): the console offers an authenticator after sign-in, and asks for codes once added.
 */

const EMAIL = "ana@example.org";
const TEMPORARY = "Temporary-Pass-1";
const CHOSEN = "Chosen-Password-2";
const AFTER_RESET = "After-Reset-Pass-3";

const wav = writeConsoleTestWav(mkdtempSync(join(tmpdir(), "babelcast-signin-audio-")));
test.use({ launchOptions: fakeMicrophone(wav) });

interface PoolUnderTest {
  readonly server: ServedEmbedded;
  /** The page without the owner token: with a user pool only a Cognito sign-in opens the console. */
  readonly consoleUrl: string;
}

/** An embedded server with its user pool on (`mfa` as in `embedded.json`) and one invited presenter. */
async function startPool(mfa: "ON" | "OPTIONAL"): Promise<PoolUnderTest> {
  ensureConsoleBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), "babelcast-signin-"));
  writeFileSync(join(dataDir, "embedded.json"), JSON.stringify({ cognito: { enabled: true, mfa } }));
  const server = await serveEmbedded({ dataDir });
  const config = ConfigDocument.parse(await (await fetch(`${server.ready.url}/config.json`)).json());
  if (config.auth.kind !== "cognito") throw new Error("the embedded user pool did not turn on");
  // The administrator's step: an IAM-signed AdminCreateUser with the data dir's credentials.
  const admin = new CognitoIdentityProviderClient({
    region: config.region,
    endpoint: config.endpoints?.cognitoIdp,
    credentials: loadOrCreateCredentials(dataDir),
  });
  await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: config.auth.userPoolId,
      Username: EMAIL,
      TemporaryPassword: TEMPORARY,
      MessageAction: "SUPPRESS",
    }),
  );
  admin.destroy();
  // The console on its own origin (see serveEmbedded), without the owner token.
  return { server, consoleUrl: server.ready.consoleUrl.split("#")[0] ?? "" };
}

let pool: PoolUnderTest;

/** The last TOTP time step used per secret: the pool accepts each step once. */
const lastStep = new Map<string, number>();

/** The current code for a time step not used yet (waits for the next step when both near ones are used). */
async function freshCode(secret: string): Promise<string> {
  for (;;) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / 30);
    const last = lastStep.get(secret) ?? -1;
    // The pool accepts the current step and one either side; take the earliest unused that is after the last.
    const pick = [step, step + 1].find((s) => s > last);
    if (pick !== undefined) {
      lastStep.set(secret, pick);
      return generate({ secret, epoch: pick * 30 });
    }
    await new Promise((r) => setTimeout(r, ((step + 1) * 30 - now) * 1000 + 200));
  }
}

async function expectStep(page: Page, step: string): Promise<void> {
  await expect(page.getByTestId("sign-in")).toHaveAttribute("data-step", step, { timeout: 20_000 });
}

async function submit(page: Page): Promise<void> {
  await page.getByTestId("sign-in-submit").click();
}

async function signInWithPassword(page: Page, password: string): Promise<void> {
  await page.goto(pool.consoleUrl);
  await expectStep(page, "credentials");
  await page.getByTestId("sign-in-email").fill(EMAIL);
  await page.getByTestId("sign-in-password").fill(password);
  await submit(page);
}

async function signInWithCode(page: Page, password: string, secret: string): Promise<void> {
  await signInWithPassword(page, password);
  await expectStep(page, "totp");
  await page.getByTestId("totp-code").fill(await freshCode(secret));
  await submit(page);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId("sign-out").click();
  await expectStep(page, "credentials");
}

test.describe("a pool that requires MFA", () => {
  test.beforeAll(async () => {
    pool = await startPool("ON");
  });
  test.afterAll(async () => {
    await pool?.server.stop();
  });

  test("a presenter signs in the first time, sets up the authenticator, talks, signs out, signs in with a code and resets a forgotten password", async ({
    page,
  }) => {
    test.setTimeout(240_000);
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => void d.accept());

    // A wrong password is refused with words the presenter can act on.
    await signInWithPassword(page, "Not-The-Password-0");
    await expect(page.getByTestId("sign-in-error")).toContainText("Wrong e-mail or password");

    // First sign-in: the temporary password, then a password of the presenter's own.
    await page.getByTestId("sign-in-password").fill(TEMPORARY);
    await submit(page);
    await expectStep(page, "newPassword");
    await page.getByTestId("new-password").fill("too-short");
    await page.getByTestId("new-password-repeat").fill("too-short");
    await submit(page);
    await expect(page.getByTestId("sign-in-error")).toContainText("at least 12 characters");
    await page.getByTestId("new-password").fill(CHOSEN);
    await page.getByTestId("new-password-repeat").fill(CHOSEN);
    await submit(page);

    // The pool requires an authenticator: the page shows its key as a QR code and as text.
    await expectStep(page, "mfaSetup");
    await expect(page.getByTestId("totp-qr")).toBeVisible();
    const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByTestId("totp-code").fill("000000");
    await submit(page);
    await expect(page.getByTestId("sign-in-error")).toContainText("authenticator code did not match");
    await page.getByTestId("totp-code").fill(await freshCode(secret));
    await submit(page);

    // Signed in: the API takes the ID token as the owner's bearer, so a session can be created.
    await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
    await page.getByTestId("title").fill("Signed-in talk");
    await page.getByTestId("source-language").selectOption("en");
    await page.getByTestId("create-session").click();
    await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 30_000 });
    // Going live shows the join QR code for the room; close it to reach the controls.
    await expect(page.getByTestId("qr-overlay")).toBeVisible();
    await page.keyboard.press("Escape");
    // The control socket took the ID token, and Transcribe took the identity pool's credentials.
    await expect(page.getByTestId("health-socket")).toHaveClass(/ok/, { timeout: 20_000 });
    await expect(page.getByTestId("health-recognizer")).toContainText("listening", { timeout: 30_000 });
    await page.getByTestId("end-session").click();
    await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "ended", { timeout: 20_000 });
    await signOut(page);

    // Later sign-ins ask for the authenticator's code after the password.
    await signInWithCode(page, CHOSEN, secret);
    await signOut(page);

    // A forgotten password: the code "e-mailed" lands in the data dir's outbox (nothing is sent offline).
    await page.getByTestId("forgot-password").click();
    await expectStep(page, "forgot");
    await page.getByTestId("sign-in-email").fill(EMAIL);
    await submit(page);
    await expectStep(page, "reset");
    await expect(page.getByTestId("reset-destination")).toContainText("a***@e***");
    const outbox = readFileSync(join(pool.server.dataDir, "cognito", "outbox.jsonl"), "utf8")
      .trim()
      .split("\n");
    const { to, code } = JSON.parse(outbox.at(-1) ?? "{}") as { to: string; code: string };
    expect(to).toBe(EMAIL);
    await page.getByTestId("reset-code").fill(code);
    await page.getByTestId("new-password").fill(AFTER_RESET);
    await page.getByTestId("new-password-repeat").fill(AFTER_RESET);
    await submit(page);
    await expectStep(page, "credentials");
    await expect(page.getByTestId("sign-in-notice")).toContainText("Password changed");

    // The old password no longer works; the new one does, still with the authenticator.
    await signInWithPassword(page, CHOSEN);
    await expect(page.getByTestId("sign-in-error")).toContainText("Wrong e-mail or password");
    await signInWithCode(page, AFTER_RESET, secret);
    expect(problems).toEqual([]);
  });
});

test.describe("a pool where MFA is optional (as the stack's)", () => {
  test.beforeAll(async () => {
    pool = await startPool("OPTIONAL");
  });
  test.afterAll(async () => {
    await pool?.server.stop();
  });

  test("a presenter may skip the authenticator, adds it at a later sign-in, and is then asked for codes", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await signInWithPassword(page, TEMPORARY);
    await expectStep(page, "newPassword");
    await page.getByTestId("new-password").fill(CHOSEN);
    await page.getByTestId("new-password-repeat").fill(CHOSEN);
    await submit(page);

    // Signed in without a second factor: the console offers one, and "Not now" goes on.
    await expectStep(page, "offerAuthenticator");
    await page.getByTestId("skip-authenticator").click();
    await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
    await signOut(page);

    // The next sign-in offers it again; this time the presenter adds the app.
    await signInWithPassword(page, CHOSEN);
    await expectStep(page, "offerAuthenticator");
    await submit(page);
    await expectStep(page, "addAuthenticator");
    await expect(page.getByTestId("totp-qr")).toBeVisible();
    const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
    await page.getByTestId("totp-code").fill(await freshCode(secret));
    await submit(page);
    await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
    await signOut(page);

    // From now on the password alone is not enough.
    await signInWithCode(page, CHOSEN, secret);
  });
});
