import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { type ConsoleTestServers, fakeMicrophone, startConsoleTestServers } from "../../support/consoleFixtures.js";
import { ensureListenerPageBuilt } from "../../support/listenerBuild.js";
import { receivedEnergy } from "../../support/listenerMaster.js";
import { loadClips, writeTalk } from "../../support/transcribeClips.js";

// Presenter hand-off through the whole embedded system: two console pages (two lecterns) with
// real recorded speech at the fake microphone, the real listener page, the embedded KVS,
// Transcribe (pocketsphinx) and the sessions API. The first console hands the session off by
// link; the second takes it over as the media hub; the listener keeps its audio and captions.
const talk = writeTalk(loadClips(), join(mkdtempSync(join(tmpdir(), "babelcast-hand-off-")), "talk.wav"));
test.use({ launchOptions: fakeMicrophone(talk.wavPath) });

/** Peak RMS above this in the listener's received track counts as hearing something. */
const HEARD = 0.01;
const IMAGES = join(import.meta.dirname, "..", "..", "..", "docs", "images");

let servers: ConsoleTestServers;
test.beforeAll(async () => {
  ensureListenerPageBuilt();
  servers = await startConsoleTestServers();
});
test.afterAll(async () => {
  await servers?.stop();
});

/** The segment numbers a console shows in its transcript. */
async function consoleSeqs(page: Page): Promise<number[]> {
  return (await page.getByTestId("segment").evaluateAll((els) => els.map((e) => e.getAttribute("data-seq")))).map(
    Number,
  );
}

/** Viewers whose peer connection with this console is up. */
function connectedViewers(page: Page): Promise<number> {
  return page.evaluate(() => {
    const stores = (window as unknown as { babelcastConsole: { media: { viewers: { value: { state: string }[] } } } })
      .babelcastConsole;
    return stores.media.viewers.value.filter((v) => v.state === "connected").length;
  });
}

test("hand-off by link: the second console takes over, the listener hears it after one reconnect and captions continue with higher seq", async ({
  page: first,
  browser,
}) => {
  test.setTimeout(360_000);
  await first.goto(servers.server.ready.consoleUrl);
  await expect(first.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await first.getByTestId("title").fill("Hand-off talk");
  await first.getByTestId("source-language").selectOption("en");
  await first.getByTestId("create-session").click();
  await expect(first.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  const id = /([a-z]+-[a-z]+-\d{3})/.exec((await first.getByTestId("session-id").textContent()) ?? "")?.[1] ?? "";
  expect(id).not.toBe("");
  await first.getByTestId("qr-close").click();
  await expect(first.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 20_000 });

  // The listener's page counts the peer connections it opens: one reconnect at most means two.
  const listenerContext = await browser.newContext();
  await listenerContext.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const w = window as unknown as { peerConnections: number };
    w.peerConnections = 0;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.peerConnections += 1;
      }
    };
  });
  const listener = await listenerContext.newPage();
  await listener.goto(`${servers.server.ready.url}/s/${id}`);
  await listener.getByRole("combobox").selectOption("en");
  await listener.locator("button.listen").click();
  const heard = (message: string) =>
    expect
      .poll(() => receivedEnergy(listener, 1000), { timeout: 60_000, intervals: [250], message })
      .toBeGreaterThan(HEARD);
  await heard("the listener hears the first console");
  const captions = listener.getByRole("log").locator("p");
  await expect(captions.first()).toBeVisible({ timeout: 120_000 });
  await expect.poll(() => consoleSeqs(first), { timeout: 60_000 }).not.toEqual([]);

  // The first presenter asks for a hand-off link.
  await first.getByTestId("hand-off").click();
  const link = await first.getByTestId("handoff-link").inputValue();
  expect(link).toMatch(new RegExp(`#handoff=${id}\\.[A-Za-z0-9_-]{32}$`));
  await first.getByTestId("handoff-panel").screenshot({ path: join(IMAGES, "hand-off-link.png") });

  // The second console (another lectern) signs in and takes over with the link.
  const secondContext = await browser.newContext();
  const second = await secondContext.newPage();
  await second.goto(servers.server.ready.consoleUrl);
  await expect(second.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 20_000 });
  await second.getByTestId("takeover-link").fill(link);
  await second.getByTestId("take-over").screenshot({ path: join(IMAGES, "take-over.png") });
  await second.getByTestId("takeover").click();
  await expect(second.getByTestId("console")).toHaveAttribute("data-phase", "live", { timeout: 20_000 });
  await expect(second.getByTestId("session-id")).toContainText(id);

  // The first console is told and steps down; the last seq it sent is the highest it shows.
  await expect(first.getByTestId("console")).toHaveAttribute("data-phase", "handed-off", { timeout: 20_000 });
  await expect(first.getByTestId("handed-off")).toContainText("Another console took over");
  await first.getByTestId("handed-off").screenshot({ path: join(IMAGES, "handed-off.png") });
  const firstSeqs = await consoleSeqs(first);
  const lastOfFirst = Math.max(...firstSeqs);

  // The second console is the media hub: the listener's viewer connects to it, and hears it.
  const qr = second.getByTestId("qr-close");
  if (await qr.isVisible()) await qr.click();
  await expect(second.getByTestId("health-signaling")).toContainText("1/1 channels open", { timeout: 30_000 });
  await expect.poll(() => connectedViewers(second), { timeout: 90_000 }).toBe(1);
  await heard("the listener hears the second console");
  const peerConnections = await listener.evaluate(
    () => (window as unknown as { peerConnections: number }).peerConnections,
  );
  expect(peerConnections, "the listener reconnected once").toBe(2);

  // The second console's segments number after the first's, and reach the listener as captions.
  await expect.poll(() => consoleSeqs(second), { timeout: 120_000 }).not.toEqual([]);
  const secondSeqs = await consoleSeqs(second);
  expect(Math.min(...secondSeqs)).toBeGreaterThan(lastOfFirst);
  await expect
    .poll(
      async () => {
        const fromSecond = new Set(
          (await second.getByTestId("segment").locator(".source").allTextContents()).map((t) => t.trim()),
        );
        const atListener = (await captions.allTextContents()).map((t) => t.trim());
        return atListener.filter((t) => fromSecond.has(t)).length;
      },
      { timeout: 90_000, message: "a caption at the listener is one the second console sent" },
    )
    .toBeGreaterThan(0);
  // The first console sends nothing more: its transcript stopped where it stepped down.
  expect(await consoleSeqs(first)).toEqual(firstSeqs);
});
