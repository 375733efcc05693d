import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { loadOrCreateCredentials } from "@babelcast/embedded/dataDir.js";
import { ConfigDocument } from "@babelcast/protocol";
import { expect, type Page, test } from "@playwright/test";
import { writeConsoleTestWav } from "../../support/consoleAudio.js";
import { ensureConsoleBuilt } from "../../support/consoleBuild.js";
import { fakeMicrophone } from "../../support/consoleFixtures.js";
import { type ServedEmbedded, serveEmbedded } from "../../support/embeddedServer.js";

/**
 * A hand-off to a named presenter without a link: two presenters of the embedded user pool on
 * two console pages. Ana hands her live session to Ben's e-mail; Ben's home screen lists it
 * under "Waiting for you" and he takes over with one press; Ana's console steps down.
 */

const ANA = "ana@example.org";
const BEN = "ben@example.org";
const TEMPORARY = "Temporary-Pass-1";
const CHOSEN = "Chosen-Password-2";
const IMAGES = join(import.meta.dirname, "..", "..", "..", "docs", "images");

const wav = writeConsoleTestWav(mkdtempSync(join(tmpdir(), "babelcast-waiting-audio-")));
test.use({ launchOptions: fakeMicrophone(wav) });

let server: ServedEmbedded;
let consoleUrl: string;

test.beforeAll(async () => {
  ensureConsoleBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), "babelcast-waiting-"));
  writeFileSync(join(dataDir, "embedded.json"), JSON.stringify({ cognito: { enabled: true, mfa: "OPTIONAL" } }));
  server = await serveEmbedded({ dataDir });
  const config = ConfigDocument.parse(await (await fetch(`${server.ready.url}/config.json`)).json());
  if (config.auth.kind !== "cognito") throw new Error("the embedded user pool did not turn on");
  // The administrator invites both presenters (IAM-signed, with the data dir's credentials).
  const admin = new CognitoIdentityProviderClient({
    region: config.region,
    endpoint: config.endpoints?.cognitoIdp,
    credentials: loadOrCreateCredentials(dataDir),
  });
  for (const email of [ANA, BEN]) {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: config.auth.userPoolId,
        Username: email,
        TemporaryPassword: TEMPORARY,
        MessageAction: "SUPPRESS",
      }),
    );
  }
  admin.destroy();
  consoleUrl = server.ready.consoleUrl.split("#")[0] ?? "";
});
test.afterAll(async () => {
  await server?.stop();
});

/** A first sign-in: the temporary password, a chosen one, no authenticator for now. */
async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(consoleUrl);
  await expect(page.getByTestId("sign-in")).toHaveAttribute("data-step", "credentials", { timeout: 20_000 });
  await page.getByTestId("sign-in-email").fill(email);
  await page.getByTestId("sign-in-password").fill(TEMPORARY);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("sign-in")).toHaveAttribute("data-step", "newPassword", { timeout: 20_000 });
  await page.getByTestId("new-password").fill(CHOSEN);
  await page.getByTestId("new-password-repeat").fill(CHOSEN);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("sign-in")).toHaveAttribute("data-step", "offerAuthenticator", { timeout: 20_000 });
  // "Not now" again if a press landed while the offer was still rendering (skipping twice is harmless).
  await expect(async () => {
    const skip = page.getByTestId("skip-authenticator");
    if (await skip.isVisible()) await skip.click();
    await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 5_000 });
  }).toPass({ timeout: 40_000 });
}

test("a hand-off named for a presenter appears in their console's list, and they take over without the link", async ({
  page: ana,
  browser,
}) => {
  test.setTimeout(600_000);
  await signIn(ana, ANA);
  await ana.getByTestId("title").fill("Morning keynote");
  await ana.getByTestId("source-language").selectOption("en");
  await ana.getByTestId("create-session").click();
  await expect(ana.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 30_000 });
  const id = /([a-z]+-[a-z]+-\d{3})/.exec((await ana.getByTestId("session-id").textContent()) ?? "")?.[1] ?? "";
  expect(id).not.toBe("");
  // Going live shows the join QR code for the room; close it to reach the controls.
  await ana.getByTestId("qr-close").click({ timeout: 30_000 });

  // Ben is signed in on the other lectern: nothing waits for him yet.
  const benContext = await browser.newContext();
  const ben = await benContext.newPage();
  await signIn(ben, BEN);
  await expect(ben.getByTestId("waiting-handoffs")).toHaveCount(0);

  // Ana hands off to Ben by e-mail (and sends him no link).
  await ana.getByTestId("hand-off").click();
  await ana.getByTestId("handoff-presenter-email").fill(BEN);
  await ana.getByTestId("handoff-name-presenter").click();
  await expect(ana.getByTestId("handoff-presenter")).toContainText(BEN, { timeout: 20_000 });

  // Ben's home screen lists it at its next refresh: the session, and who handed it off.
  const waiting = ben.getByTestId("waiting-handoff");
  await expect(waiting).toHaveCount(1, { timeout: 30_000 });
  await expect(waiting).toHaveAttribute("data-session", id);
  await expect(waiting).toContainText("Morning keynote");
  await expect(waiting).toContainText(`from ${ANA}`);
  await ben.getByTestId("waiting-handoffs").screenshot({ path: join(IMAGES, "hand-off-waiting.png") });
  await ben.getByTestId("take-over-waiting").click();
  await expect(ben.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 30_000 });
  await expect(ben.getByTestId("session-id")).toContainText(id);

  // Ana's console is told and steps down.
  await expect(ana.getByTestId("console")).toHaveAttribute("data-phase", "handed-off", { timeout: 30_000 });
  await benContext.close();
});
