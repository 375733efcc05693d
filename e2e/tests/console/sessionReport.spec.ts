import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConfigDocument, SessionReport } from "@babelcast/protocol";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { unzipSync } from "fflate";
import { writeSilentTestWav } from "../../support/consoleAudio.js";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";
import { openConsoleViewer, type ViewerPageServer } from "../../support/consoleViewerPage.js";
import type { ServedEmbedded } from "../../support/embeddedServer.js";

// A silent microphone: the report counts every segment, and here the only one is the test's own (the recognizer
// can hear a word in the test tone's bursts, and its segment would join in).
const wav = writeSilentTestWav(mkdtempSync(join(tmpdir(), "babelcast-report-audio-")));
test.use({ launchOptions: fakeMicrophone(wav), acceptDownloads: true });
// Each test runs a session end to end with a listener: slow on a loaded machine.
test.setTimeout(300_000);

let servers: ConsoleTestServers;
let server: ServedEmbedded;
let viewerPages: ViewerPageServer;
let config: ConfigDocument;

test.beforeAll(async () => {
  servers = await startConsoleTestServers();
  ({ server, viewerPages, config } = servers);
});
test.afterAll(async () => {
  await servers?.stop();
});

async function startSession(page: Page, title: string, targets: string[]): Promise<string> {
  await page.goto(server.ready.consoleUrl);
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await page.getByTestId("title").fill(title);
  await page.getByTestId("source-language").selectOption("en");
  for (const t of targets) await page.getByTestId(`target-${t}`).check();
  await page.getByTestId("create-session").click();
  await expect(page.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  await page.getByTestId("qr-close").click();
  const label = (await page.getByTestId("session-id").textContent()) ?? "";
  return /([a-z]+-[a-z]+-\d{3})/.exec(label)?.[1] ?? "";
}

/** A listener of Spanish, counted by the console (its speech track exists from then on). */
async function spanishListener(page: Page, browser: Browser, id: string): Promise<BrowserContext> {
  await expect(page.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 60_000 });
  const listenerContext = await browser.newContext();
  // As the listener page does, a join the server failed (a cold function on a loaded machine) is tried again.
  await expect(async () => {
    for (const p of listenerContext.pages()) await p.close();
    await openConsoleViewer(listenerContext, viewerPages.url, config, id, "es");
  }).toPass({ timeout: 120_000 });
  await expect(page.getByTestId("count-es")).toContainText("1", { timeout: 60_000 });
  return listenerContext;
}

/** Clicks a download button and returns the file's name and bytes. */
async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

test("the console shows the session report live, and report.json, report.html and transcripts.zip hold it", async ({
  page,
  browser,
}) => {
  const id = await startSession(page, "Report check", ["es"]);
  const listenerContext = await spanishListener(page, browser, id);
  await page.evaluate(() => {
    const c = (
      window as unknown as {
        babelcastConsole: { session: { allocateSeq(): number }; recognition: { acceptSegment(s: object): void } };
      }
    ).babelcastConsole;
    c.recognition.acceptSegment({
      seq: c.session.allocateSeq(),
      text: "Good morning to everyone in the hall.",
      startTime: 0,
      endTime: 2,
      words: [{ text: "Good", startTime: 0, endTime: 2 }],
      reason: "sentence",
      committedAt: Date.now(),
    });
  });
  const spanish = page.locator('[data-testid="segment"] .translation[data-lang="es"]');
  await expect(spanish).not.toBeEmpty({ timeout: 120_000 });

  // Live: the report shows the Spanish listener, the plot and the translation's latency.
  const report = page.getByTestId("report");
  await expect(async () => {
    await page.getByTestId("report-refresh").click();
    await expect(report.getByTestId("report-peak")).toHaveText("1", { timeout: 2_000 });
    await expect(report.locator('[data-stage="translate"]')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(report.locator('tr[data-lang="es"] td').nth(1)).toHaveText("1");
  await expect(report.locator('[data-testid="report-plot"] svg polyline[data-series="es"]')).toBeAttached();
  if (process.env.UPDATE_DOCS_IMAGES) await report.screenshot({ path: "docs/images/session-report.png" });

  const json = await download(page, "download-report-json");
  expect(json.name).toBe(`${id}-report.json`);
  const parsed = SessionReport.parse(JSON.parse(json.bytes.toString("utf8")));
  expect(parsed.listeners.peak.byLanguage.es).toBe(1);
  expect(parsed.segments).toMatchObject({ total: 1, translationsOwed: 1, lost: 0 });
  expect(parsed.latency.find((s) => s.stage === "translate")?.count).toBe(1);

  const html = await download(page, "download-report-html");
  expect(html.name).toBe(`${id}-report.html`);
  const page2 = html.bytes.toString("utf8");
  expect(page2).toContain("<svg");
  expect(page2).toContain('data-series="es"');
  expect(page2).toMatch(/data-figure="peak">1</);
  expect(page2).not.toMatch(/<script|src=|href=/i);

  const zip = await download(page, "download-transcripts");
  expect(zip.name).toBe(`${id}-transcripts.zip`);
  const files = unzipSync(new Uint8Array(zip.bytes));
  expect(Object.keys(files).sort()).toEqual(
    ["en.srt", "en.txt", "en.vtt", "es.srt", "es.txt", "es.vtt"].map((f) => `${id}-${f}`),
  );
  const text = (name: string) => new TextDecoder().decode(files[`${id}-${name}`]);
  expect(text("en.txt")).toBe("Good morning to everyone in the hall.\n");
  expect(text("es.txt").trim()).toBe((await spanish.textContent())?.replace(/^es\s*/, "").trim());
  expect(text("es.vtt").startsWith("WEBVTT")).toBe(true);
  await listenerContext.close();
});

test("recording saves each language track the console sends as a playable Opus WebM", async ({ page, browser }) => {
  const id = await startSession(page, "Recording check", ["es"]);
  const listenerContext = await spanishListener(page, browser, id);
  await page.getByTestId("record").click();
  await expect(page.getByTestId("record")).toHaveAttribute("aria-pressed", "true");
  // A few seconds of the (silent) microphone on the original track and the Spanish track's floor mix.
  await page.waitForTimeout(3_000);
  const downloads: { name: string; bytes: Buffer }[] = [];
  page.on("download", async (d) =>
    downloads.push({ name: d.suggestedFilename(), bytes: readFileSync(await d.path()) }),
  );
  await page.getByTestId("record").click();
  await expect(page.getByTestId("record")).toHaveAttribute("aria-pressed", "false");
  await expect
    .poll(() => downloads.map((d) => d.name.replace(/-\d{8}T\d{6}Z/, "")).sort(), { timeout: 30_000 })
    .toEqual([`${id}-en.webm`, `${id}-es.webm`]);
  for (const file of downloads) {
    // WebM (EBML magic) whose track is Opus.
    expect(file.bytes.subarray(0, 4).toString("hex")).toBe("1a45dfa3");
    expect(file.bytes.includes(Buffer.from("A_OPUS"))).toBe(true);
    // Playable: the browser decodes it to audio of some length.
    const decoded = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const audio = await new OfflineAudioContext(1, 1, 48_000).decodeAudioData(bytes.buffer);
      return { seconds: audio.duration, channels: audio.numberOfChannels };
    }, file.bytes.toString("base64"));
    expect(decoded.seconds, file.name).toBeGreaterThan(0.5);
  }
  await expect(page.getByTestId("notice-recording")).toContainText("Recordings saved");
  await listenerContext.close();
});
