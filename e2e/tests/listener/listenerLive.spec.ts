import { expect, type Page, test } from "@playwright/test";
import { type ServedEmbedded, serveEmbedded } from "../../support/embeddedServer.js";
import { AUDIBLE_RMS, expectAudible } from "../../support/listenerAudioProbe.js";
import { ensureListenerPageBuilt } from "../../support/listenerBuild.js";
import { type LiveSession, liveSessionsMissing, startLiveSession } from "../../support/listenerLiveSession.js";
import { receivedEnergy, startTestMaster, type TestMaster } from "../../support/listenerMaster.js";

// Everything real: the sessions API and WebSocket API of the embedded server, its KVS
// emulator, and WebRTC between a test master (the console's stand-in, connected with the
// owner's master grants, playing a tone) and the listener page.

let server: ServedEmbedded;
let missing: string | undefined;
let live: LiveSession | undefined;
let master: TestMaster | undefined;

test.beforeAll(async () => {
  ensureListenerPageBuilt();
  server = await serveEmbedded();
  missing = await liveSessionsMissing(server);
});
test.afterAll(async () => {
  await server?.stop();
});
test.beforeEach(async ({ browser }) => {
  test.skip(missing !== undefined, `waiting on the sessions backend (issue 4): ${missing}`);
  live = await startLiveSession(server);
  master = await startTestMaster(browser, server.ready.url, await live.masterGrants());
});
test.afterEach(async () => {
  await master?.close();
  await live?.close();
});

async function listen(page: Page): Promise<void> {
  await page.goto(`${server.ready.url}/s/${live!.id}`);
  await page.getByRole("button", { name: "Listen" }).click();
  await expectAudible(page);
}

/** The one viewer the master has seen: the listener id the page joined with. */
async function onlyViewer(): Promise<{ id: string; offers: number }> {
  const offers = Object.entries((await master!.stats()).offers);
  expect(offers).toHaveLength(1);
  return { id: offers[0]![0], offers: offers[0]![1] };
}

test("joins a real session, hears the presenter and reads its captions", async ({ page }) => {
  await page.goto(`${server.ready.url}/s/${live!.id}`);
  await expect(page.getByRole("heading", { name: "Listener e2e talk" })).toBeVisible();
  await page.getByRole("button", { name: "Listen" }).click();
  await expectAudible(page);
  await expect(page.getByRole("status")).toHaveText("");

  // A partial goes to the listeners subscribed at that moment and is not replayed (the next one
  // replaces it), and the page subscribes after joining: the console sends partials all along,
  // so the test sends it again until the page shows it.
  await expect(async () => {
    await live!.send({ action: "partial", text: "welcome to the" });
    await expect(page.locator(".partial")).toHaveText("welcome to the", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  const t = Date.now();
  await live!.send({
    action: "segment",
    seq: 0,
    text: "Welcome to the talk.",
    startTime: 0,
    endTime: 1.2,
    stages: { spokenEndAt: t - 800, committedAt: t - 100, sentAt: t },
  });
  await expect(page.getByRole("log").getByText("Welcome to the talk.")).toBeVisible();
  await expect(page.getByText(/s behind$/)).toBeVisible();
});

test("volume, mute, pause and the lock-screen (Media Session) state", async ({ page }) => {
  await listen(page);
  const audio = page.locator("audio");
  expect(await page.evaluate(() => navigator.mediaSession.metadata?.title)).toBe("Listener e2e talk");
  await page.getByRole("button", { name: "Mute" }).click();
  expect(await audio.evaluate((a: HTMLAudioElement) => a.muted)).toBe(true);
  await page.getByRole("button", { name: "Unmute" }).click();
  await page.getByRole("slider", { name: "Volume" }).fill("0.5");
  expect(await audio.evaluate((a: HTMLAudioElement) => a.volume)).toBe(0.5);
  await page.getByRole("button", { name: "Pause" }).click();
  expect(await audio.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);
  // The lock-screen state follows the element's play/pause events, which the browser queues as tasks after
  // the click: poll for it rather than read it once.
  await expect.poll(() => page.evaluate(() => navigator.mediaSession.playbackState)).toBe("paused");
  await page.getByRole("button", { name: "Resume" }).click();
  await expect.poll(() => page.evaluate(() => navigator.mediaSession.playbackState)).toBe("playing");
  await expectAudible(page);
});

test("shows the presenter paused and muted", async ({ page }) => {
  await listen(page);
  await live!.send({ action: "status", status: "paused", muted: false });
  await expect(page.getByRole("status")).toHaveText("The presenter has paused.");
  await live!.send({ action: "status", status: "live", muted: true });
  await expect(page.getByRole("status")).toHaveText("The presenter's microphone is muted.");
  await live!.send({ action: "status", status: "live", muted: false });
  await expect(page.getByRole("status")).toHaveText("");
});

test("switches language over the WebSocket without reconnecting media", async ({ page }) => {
  await listen(page);
  const before = await onlyViewer();
  await page.getByLabel("Language").selectOption("es");
  // The server acknowledges with language-changed; the page then speaks Spanish.
  await expect(page.getByLabel("Idioma")).toHaveValue("es");
  await master!.retune(660);
  await expectAudible(page);
  expect(await onlyViewer()).toEqual(before);
});

test("reconnects when the signaling socket drops before the answer, and keeps its listener id after a reload", async ({
  page,
}) => {
  let signalingConnections = 0;
  await page.routeWebSocket(
    (url) => url.pathname.endsWith("/kvs-signaling/viewer"),
    (ws) => {
      signalingConnections += 1;
      if (signalingConnections === 1) void ws.close({ code: 1006 });
      else ws.connectToServer();
    },
  );
  const joins: Record<string, unknown>[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/listeners")) joins.push(r.postDataJSON());
  });
  await listen(page);
  expect(signalingConnections).toBe(2);

  await page.reload();
  await page.getByRole("button", { name: "Listen" }).click();
  await expectAudible(page);
  expect(joins).toHaveLength(2);
  expect(joins[1]).toMatchObject({ listenerId: expect.any(String), listenerToken: expect.any(String) });
  expect((await onlyViewer()).id).toBe(joins[1]!.listenerId);
});

test("keeps playing when the signaling socket drops after connecting", async ({ page }) => {
  let signaling: { close(): Promise<void> } | undefined;
  await page.routeWebSocket(
    (url) => url.pathname.endsWith("/kvs-signaling/viewer"),
    (ws) => {
      ws.connectToServer();
      signaling = ws;
    },
  );
  await listen(page);
  await signaling!.close();
  await page.waitForTimeout(3000);
  await expectAudible(page, 1000);
  await expect(page.getByRole("status")).toHaveText("");
});

test("after a network loss, audio comes back when the network returns (the time it took is recorded)", async ({
  page,
  context,
}) => {
  await listen(page);
  const viewer = await onlyViewer();
  await context.setOffline(true);
  // What a lost network does to media: the presenter's side of the connection is gone.
  await master!.page.evaluate((id) => window.babelcastMaster.dropPeer(id), viewer.id);
  await expect(page.getByRole("status")).toHaveText(/No network|Reconnecting/);
  await expect.poll(() => receivedEnergy(page, 200), { timeout: 10_000 }).toBeLessThan(AUDIBLE_RMS);
  await context.setOffline(false);
  const back = Date.now();
  // The 3-second target is recorded, not asserted: tests check behaviour, benches check time.
  await expectAudible(page, 15_000);
  test.info().annotations.push({ type: "audio back after the network", description: `${Date.now() - back} ms` });
  await expect(page.getByRole("status")).toHaveText("");
  expect(await onlyViewer()).toEqual({ id: viewer.id, offers: viewer.offers + 1 });
});

test("reconnects, honestly, when the media connection fails (ICE)", async ({ page }) => {
  await listen(page);
  const viewer = await onlyViewer();
  // Every text the status line shows, kept: the reconnection may be over between two polls.
  await page.evaluate(() => {
    const status = document.querySelector('[role="status"]')!;
    const seen: string[] = [];
    (window as unknown as { statusSeen: string[] }).statusSeen = seen;
    new MutationObserver(() => seen.push(status.textContent ?? "")).observe(status, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await master!.page.evaluate((id) => window.babelcastMaster.dropPeer(id), viewer.id);
  // A peer that closed its side looks healthy to ICE for several seconds before it is "disconnected".
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen), { timeout: 30_000 })
    .toContain("Reconnecting…");
  await expectAudible(page);
  await expect(page.getByRole("status")).toHaveText("");
  expect(await onlyViewer()).toEqual({ id: viewer.id, offers: viewer.offers + 1 });
});

test("shows the end of the session and stops the audio", async ({ page }) => {
  await listen(page);
  await live!.send({ action: "end" });
  await expect(page.getByRole("status")).toHaveText("This talk has ended. Thank you for listening.");
  expect(await page.locator("audio").evaluate((a: HTMLAudioElement) => a.srcObject)).toBeNull();
});

test("gets captions only, with the server's reason, when audio capacity is full", async ({ page }) => {
  const full = await startLiveSession(server, { title: "Full talk", audioCapacity: 0 });
  try {
    await page.goto(`${server.ready.url}/s/${full.id}`);
    await page.getByRole("button", { name: "Listen" }).click();
    await expect(page.getByRole("status")).toContainText("Captions only");
    const t = Date.now();
    await full.send({
      action: "segment",
      seq: 0,
      text: "Captions still arrive.",
      startTime: 0,
      endTime: 1,
      stages: { committedAt: t, sentAt: t },
    });
    await expect(page.getByRole("log").getByText("Captions still arrive.")).toBeVisible();
  } finally {
    await full.close();
  }
});

test("asks for the passcode of a protected session and says when it is wrong", async ({ page }) => {
  const guarded = await startLiveSession(server, { title: "Private talk", passcode: "orchid-42" });
  try {
    await page.goto(`${server.ready.url}/s/${guarded.id}`);
    const passcode = page.getByLabel("Passcode");
    await passcode.fill("tulip-00");
    await page.getByRole("button", { name: "Listen" }).click();
    await expect(page.getByText("Wrong passcode. Ask the presenter and try again.")).toBeVisible();
    await expect(passcode).toHaveAttribute("aria-invalid", "true");
    await passcode.fill("orchid-42");
    await page.getByRole("button", { name: "Listen" }).click();
    await expect(page.getByRole("log")).toBeAttached();
    await expect(passcode).toHaveCount(0);
  } finally {
    await guarded.close();
  }
});
