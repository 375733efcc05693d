import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";
import { openConsoleViewer } from "../../support/consoleViewerPage.js";
import { loadClips, normalizeWords, writeTalk } from "../../support/transcribeClips.js";

// Recorded speech (pocketsphinx's LibriVox test clips) as the fake microphone.
const talk = writeTalk(
  loadClips().slice(0, 3),
  join(mkdtempSync(join(tmpdir(), "babelcast-console-talk-")), "talk.wav"),
);

test.use({ launchOptions: fakeMicrophone(talk.wavPath) });

let servers: ConsoleTestServers;
test.beforeAll(async () => {
  servers = await startConsoleTestServers();
});
test.afterAll(async () => {
  await servers?.stop();
});

test("speech at the microphone becomes committed segments and reaches listeners as captions", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await page.goto(servers.server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill("Recognition check");
  // A glossary term becomes the recognizer's custom vocabulary (no warning that it was left out).
  await page.getByTestId("glossary").fill("Dashwood");
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  const id = /([a-z]+-[a-z]+-\d{3})/.exec((await page.getByTestId("session-id").textContent()) ?? "")?.[1] ?? "";
  await page.getByTestId("qr-close").click();

  const listenerContext = await browser.newContext();
  const viewer = await openConsoleViewer(listenerContext, servers.viewerPages.url, servers.config, id, "en");

  // The recognizer hears the talk: committed segments in the console, captions at the listener.
  await expect(page.getByTestId("health-recognizer")).toContainText("listening", { timeout: 30_000 });
  await expect(page.getByText("Recognition started without the glossary")).toHaveCount(0);
  await expect(page.getByTestId("segment").first()).toBeVisible({ timeout: 60_000 });
  // Judged over at least 20 committed words (a sentence or two), not the first segment alone:
  // one short segment's word share swings with a single misheard name.
  const committedWords = async () => normalizeWords((await page.getByTestId("segment").allTextContents()).join(" "));
  await expect.poll(async () => (await committedWords()).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(20);
  const consoleWords = await committedWords();
  const referenceWords = new Set(normalizeWords(talk.reference));
  // Recognized, not noise: most committed words are words of the talk (WER here is about 25%).
  const heard = consoleWords.filter((w) => referenceWords.has(w));
  expect(heard.length / consoleWords.length, `recognized: ${consoleWords.join(" ")}`).toBeGreaterThanOrEqual(0.6);
  await expect.poll(() => viewer.captionTexts(), { timeout: 30_000 }).not.toEqual([]);
  await listenerContext.close();
});

test("at go-live the Transcribe stream connects on a port of its own, so the presenter's first words never wait behind the control socket's handshake", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Records, in order, each WebSocket the console creates and opens, by host and path.
  await page.addInitScript(() => {
    const log: string[] = [];
    (window as unknown as { socketLog: string[] }).socketLog = log;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        const { host, pathname } = new URL(String(url));
        log.push(`new ${host}${pathname}`);
        this.addEventListener("open", () => log.push(`open ${host}${pathname}`));
      }
    } as typeof WebSocket;
  });
  await page.goto(servers.server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill("Connection order");
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  const log = () => page.evaluate(() => (window as unknown as { socketLog: string[] }).socketLog);
  const hostOf = (entries: string[], path: string) =>
    entries.find((e) => e.startsWith("open ") && e.endsWith(path))?.slice("open ".length, -path.length);
  await expect
    .poll(async () => [
      hostOf(await log(), "/ws"),
      hostOf(await log(), "/aws/transcribe/stream-transcription-websocket"),
    ])
    .not.toContain(undefined);
  const order = await log();
  const controlHost = hostOf(order, "/ws");
  const streamHost = hostOf(order, "/aws/transcribe/stream-transcription-websocket");
  // Chromium connects one WebSocket per host and port at a time: another port means no queue between them.
  expect(streamHost, order.join(", ")).not.toBe(controlHost);
  // Both start at go-live: the control socket does not wait for the stream either.
  expect(order.indexOf(`new ${controlHost}/ws`), order.join(", ")).toBeLessThan(
    order.indexOf(`open ${streamHost}/aws/transcribe/stream-transcription-websocket`),
  );
  // And recognition goes on: the console listens and commits the talk's segments.
  await expect(page.getByTestId("health-recognizer")).toContainText("listening", { timeout: 30_000 });
  await expect(page.getByTestId("segment").first()).toBeVisible({ timeout: 60_000 });
});
