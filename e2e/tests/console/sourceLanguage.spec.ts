import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";
import { loadClips, writeTalk } from "../../support/transcribeClips.js";

// Issue #20.5 in Chromium on the embedded server: the live Source language panel. Offline the
// recognizer hears English only, so a switch to Spanish is said impossible up front, and
// automatic identification is refused by the embedded Transcribe with a message the console shows.

const talk = writeTalk(
  loadClips().slice(0, 1),
  join(mkdtempSync(join(tmpdir(), "babelcast-source-talk-")), "talk.wav"),
);
test.use({ launchOptions: fakeMicrophone(talk.wavPath) });

let servers: ConsoleTestServers;
test.beforeAll(async () => {
  servers = await startConsoleTestServers();
});
test.afterAll(async () => {
  await servers?.stop();
});

const IMAGES = join(import.meta.dirname, "..", "..", "..", "docs", "images");

test("the live source switch says why Spanish cannot be heard offline, and identification is refused with the embedded recognizer's reason", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(servers.server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill("Sunday service");
  await page.getByTestId("target-es").check();
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  await page.getByTestId("qr-close").click();
  await expect(page.getByTestId("health-recognizer")).toContainText("listening", { timeout: 30_000 });

  const panel = page.getByTestId("source-panel");
  await expect(panel.getByTestId("current-source")).toHaveText("English");
  await panel.getByTestId("switch-source-language").selectOption("es");
  await expect(panel.getByTestId("source-switch-note")).toContainText(
    "no speech recognition for Spanish in this home (embedded pocketsphinx recognizes en)",
    { timeout: 15_000 },
  );
  await expect(panel.getByTestId("switch-source")).toBeDisabled();
  await panel.screenshot({ path: join(IMAGES, "source-language-switch.png") });

  // Automatic identification: the embedded Transcribe refuses it; the console says why and stops.
  await panel.getByTestId("identify-language").check();
  const refusal = page.getByTestId("notice-recognizer");
  await expect(refusal).toContainText(
    "Speech recognition refused to start: Automatic language identification is not available offline",
    { timeout: 30_000 },
  );
  await expect(page.getByTestId("health-recognizer")).toContainText("stopped");
  await refusal.screenshot({ path: join(IMAGES, "source-language-identification-offline.png") });

  // Back to the language chosen by hand: recognition listens again, in English.
  await refusal.getByRole("button", { name: "Choose the language by hand" }).click();
  await expect(panel.getByTestId("identify-language")).not.toBeChecked();
  await expect(page.getByTestId("health-recognizer")).toContainText("listening", { timeout: 30_000 });
  await expect(panel.getByTestId("current-source")).toHaveText("English");
  expect(problems).toEqual([]);
});
