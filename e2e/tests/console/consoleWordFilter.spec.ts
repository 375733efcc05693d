import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";
import { openConsoleViewer } from "../../support/consoleViewerPage.js";
import { loadClips, normalizeWords, writeTalk } from "../../support/transcribeClips.js";

// Recorded speech (pocketsphinx's LibriVox test clips) as the fake microphone.
const talk = writeTalk(
  loadClips().slice(0, 3),
  join(mkdtempSync(join(tmpdir(), "babelcast-console-filter-")), "talk.wav"),
);
// Common words of the talk ("he was not an ill disposed young man", "unless to be rather…").
const FILTERED = ["he", "was", "to", "be", "and", "had", "man", "rather", "not"];
const IMAGES = join(import.meta.dirname, "../../../docs/images");

test.use({ launchOptions: fakeMicrophone(talk.wavPath) });

let servers: ConsoleTestServers;
test.beforeAll(async () => {
  servers = await startConsoleTestServers();
});
test.afterAll(async () => {
  await servers?.stop();
});

test("words of the session's word filter reach the console and a listener's captions as ***", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  await page.goto(servers.server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill("Word filter check");
  await page.getByTestId("filter-words").fill(`${FILTERED.join(" ")}\nes: hombre`);
  await page.getByTestId("filter-method").selectOption("mask");
  mkdirSync(IMAGES, { recursive: true });
  await page.getByTestId("word-filter").screenshot({ path: join(IMAGES, "word-filter-setup.png") });
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  const id = /([a-z]+-[a-z]+-\d{3})/.exec((await page.getByTestId("session-id").textContent()) ?? "")?.[1] ?? "";
  await page.getByTestId("qr-close").click();

  const listenerContext = await browser.newContext();
  const viewer = await openConsoleViewer(listenerContext, servers.viewerPages.url, servers.config, id, "en");

  // The console streams with the vocabulary filter: its own segments already show ***.
  await expect(page.getByTestId("health-recognizer")).toContainText("listening", { timeout: 30_000 });
  await expect
    .poll(async () => (await page.getByTestId("segment").allTextContents()).join(" "), {
      timeout: 90_000,
    })
    .toContain("***");
  const captions = async () => (await viewer.captionTexts()).join(" ");
  await expect.poll(captions, { timeout: 60_000 }).toContain("***");
  // None of the listed words reaches the listener, though the talk is full of them.
  expect(normalizeWords(await captions()).filter((w) => FILTERED.includes(w))).toEqual([]);
  expect(normalizeWords(talk.reference).filter((w) => FILTERED.includes(w)).length).toBeGreaterThan(5);
  // The console's transcript, for docs/filters.md.
  await page.locator("ol.segments").screenshot({ path: join(IMAGES, "word-filter-console.png") });
  await listenerContext.close();
});
