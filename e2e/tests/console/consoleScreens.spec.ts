import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { writeConsoleTestWav } from "../../support/consoleAudio.js";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";
import { ensureListenerPageBuilt } from "../../support/listenerBuild.js";
import { ownerTokenOf } from "../../support/transcribeHarness.js";

// The console's caption screen button and embed allow-list, against the real embedded server.

const wav = writeConsoleTestWav(mkdtempSync(join(tmpdir(), "babelcast-console-audio-")));
test.use({ launchOptions: fakeMicrophone(wav) });

const IMAGES = join(import.meta.dirname, "..", "..", "..", "docs", "images");
let servers: ConsoleTestServers;

test.beforeAll(async () => {
  ensureListenerPageBuilt();
  servers = await startConsoleTestServers();
});
test.afterAll(async () => {
  await servers?.stop();
});

test("refuses a non-https embed site with a clear error and saves nothing, saves an https one, and opens the caption screen", async ({
  page,
}) => {
  // A console going live and a session's first calls cold-start several functions: slow on a busy machine.
  test.setTimeout(180_000);
  const { server, config } = servers;
  await page.goto(server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill("Sunday service");
  await page.getByTestId("source-language").selectOption("en");
  await page.getByTestId("target-es").check();
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  // Going live shows the join QR code over everything: close it.
  await page.getByTestId("qr-close").click();
  const id = /([a-z]+-[a-z]+-\d{3})/.exec((await page.getByTestId("session-id").textContent()) ?? "")![1]!;
  const stored = async () =>
    (
      await (
        await fetch(`${config.apiUrl}/sessions/${id}`, {
          headers: { authorization: `Bearer ${ownerTokenOf(server.ready.consoleUrl)}` },
        })
      ).json()
    ).embedOrigins;

  const panel = page.getByTestId("screens");
  const sites = panel.getByLabel("Sites allowed to embed the player");
  await sites.fill("http://parish.example.org");
  await panel.getByRole("button", { name: "Save embed sites" }).click();
  await expect(panel.getByRole("alert")).toContainText("must start with https://");
  expect(await stored()).toEqual([]);

  await sites.fill("https://parish.example.org");
  await panel.getByRole("button", { name: "Save embed sites" }).click();
  await expect(panel.getByRole("status")).toContainText("Saved");
  await expect.poll(stored, { timeout: 30_000 }).toEqual(["https://parish.example.org"]);
  await expect(panel.getByLabel("Embed code")).toHaveValue(new RegExp(`/api/sessions/${id}/embed\\?lang=es`));
  await panel.screenshot({ path: join(IMAGES, "console-caption-screen-embed.png") });

  const [screen] = await Promise.all([
    page.waitForEvent("popup"),
    panel.getByRole("button", { name: "Open caption screen" }).click(),
  ]);
  await expect(screen).toHaveURL(new RegExp(`/s/screen\\.html\\?session=${id}&lang=es$`));
  // The screen itself is checked in listener/captionScreen.spec.ts: here, that the button opened it.
  await expect(screen.locator("main")).toBeAttached({ timeout: 30_000 });
});
