import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { type ServedEmbedded, serveEmbedded } from "../../support/embeddedServer.js";
import { ensureListenerPageBuilt } from "../../support/listenerBuild.js";
import { ListenerMockApi } from "../../support/listenerMockApi.js";

// The page as the embedded server serves it, with the sessions API, the listener WebSocket and
// the caption Event API scripted (ListenerMockApi): behaviour of the page itself, whatever the
// backend's state. Captions, partials and status arrive on the feed (the caption channel of the
// listener's language); the WebSocket carries hello (replay) and language changes.

let server: ServedEmbedded;
test.beforeAll(async () => {
  ensureListenerPageBuilt();
  server = await serveEmbedded();
});
test.afterAll(async () => {
  await server.stop();
});

/** Collects Content-Security-Policy violations the page reports. */
function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) found.push(m.text());
  });
  return found;
}

async function openPage(page: Page, session: ConstructorParameters<typeof ListenerMockApi>[1] = {}) {
  const api = new ListenerMockApi(server.ready.url, session);
  await api.install(page);
  await page.goto(api.pageUrl);
  await expect(page.getByRole("heading", { name: api.session.title })).toBeVisible();
  return api;
}

/** Taps Listen; the page says hello on the WebSocket once its feed is subscribed. */
async function listen(page: Page, api: ListenerMockApi, name = "Listen") {
  await page.getByRole("button", { name }).click();
  await expect.poll(() => api.lastSocket?.received[0]).toEqual({ action: "hello", lastSeq: -1 });
}

/** The caption lines shown, in order. */
const shownLines = (page: Page) => page.getByRole("log").locator("p[lang]").allTextContents();

test.describe("in French", () => {
  test.use({ locale: "fr-FR" });

  test("preselects the browser's language, speaks it, and remembers another choice", async ({ page }) => {
    await openPage(page);
    const select = page.getByLabel("Langue");
    await expect(select).toHaveValue("fr");
    await expect(page.getByRole("button", { name: "Écouter" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");

    await select.selectOption("de");
    await expect(page.getByRole("button", { name: "Anhören" })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Sprache")).toHaveValue("de");
  });
});

test("joins, shows captions in a polite live region with the delay, and reports no CSP violation", async ({ page }) => {
  const violations = cspViolations(page);
  const api = await openPage(page);
  await listen(page, api);
  expect(api.joins).toEqual([{ language: "en" }]);
  const socketUrl = api.lastSocket!.url;
  expect(Object.fromEntries(socketUrl.searchParams)).toEqual({
    role: "listener",
    sessionId: "amber-harbor-482",
    token: "token-1",
  });
  // One Event API connection, subscribed to the channel of English with the listener token.
  expect(api.feeds).toHaveLength(1);
  const feed = api.lastFeed!;
  expect(feed.received.map((m) => m.type)).toEqual(["connection_init", "subscribe"]);
  expect(feed.channel).toBe("/captions/amber-harbor-482/en");
  expect(feed.authorization).toEqual({ host: new URL(server.ready.url).host, Authorization: "token-1" });

  api.publish("en", { type: "partial", text: "good morning every" });
  await expect(page.getByText("good morning every")).toBeVisible();
  api.caption("en", 0, "Good morning everyone.", Date.now() - 2000);
  const log = page.getByRole("log");
  await expect(log).toHaveAttribute("aria-live", "polite");
  await expect(log.getByText("Good morning everyone.")).toBeVisible();
  await expect(page.locator(".partial")).toHaveCount(0);
  await expect(page.getByText(/^2\.\d s behind$/)).toBeVisible();

  const title = await page.evaluate(() => navigator.mediaSession.metadata?.title);
  expect(title).toBe(api.session.title);
  expect(violations).toEqual([]);
});

test("says captions only, with the reason, when audio capacity is full", async ({ page }) => {
  const api = await openPage(page);
  await listen(page, api);
  await expect(page.getByRole("status")).toContainText("Captions only");
  await expect(page.getByRole("status")).toContainText("audio capacity of 100 listeners is full");
  await expect(page.getByRole("button", { name: "Mute" })).toHaveCount(0);
});

test("shows the presenter paused, muted, then the end of the talk", async ({ page }) => {
  const api = await openPage(page);
  await listen(page, api);
  api.audio = { mode: "captions-only", reason: "x" };
  const status = page.getByRole("status");
  api.status("paused");
  await expect(status).toHaveText("The presenter has paused.");
  api.status("live", true);
  await expect(status).toHaveText(/microphone is muted|Captions only/);
  api.status("ended");
  await expect(status).toHaveText("This talk has ended. Thank you for listening.");
  await expect(page.getByRole("combobox")).toHaveCount(0);
  // An ended talk is not reconnected to: the feed is closed, and neither link comes back.
  await expect.poll(() => api.lastFeed!.closed).toBe(true);
  const [sockets, feeds] = [api.sockets.length, api.feeds.length];
  await page.waitForTimeout(1500);
  expect([api.sockets.length, api.feeds.length]).toEqual([sockets, feeds]);
});

test("reconnects captions after the socket drops, keeps the listener id, and resumes after the last caption", async ({
  page,
}) => {
  const api = await openPage(page);
  await listen(page, api);
  api.caption("en", 0, "First sentence.");
  api.caption("en", 1, "Second sentence.");
  await expect(page.getByText("Second sentence.")).toBeVisible();

  await api.lastSocket!.route.close({ code: 1006 });
  await expect(page.getByRole("status")).toHaveText("Reconnecting…");
  await expect.poll(() => api.sockets.length).toBe(2);
  await expect.poll(() => api.lastSocket!.received[0]).toEqual({ action: "hello", lastSeq: 1 });
  await expect(page.getByRole("status")).not.toHaveText("Reconnecting…");

  // A socket that drops again soon gets a fresh token through refresh, same listener id.
  await api.lastSocket!.route.close({ code: 1006 });
  await expect.poll(() => api.refreshes.length).toBeGreaterThan(0);
  expect(api.refreshes[0]).toEqual({ listenerId: "lst_mock_0001", body: { listenerToken: "token-1" } });
  await expect.poll(() => api.sockets.length).toBe(3);
  expect(api.lastSocket!.url.searchParams.get("token")).toBe("token-2");
  // A caption the WebSocket re-sends, already shown from the feed, is not shown twice.
  api.send({ type: "caption", language: "en", seq: 1, segmentSeq: 1, text: "Second sentence.", sourceText: "x" });
  api.caption("en", 2, "Third sentence.");
  await expect(page.getByText("Third sentence.")).toBeVisible();
  await expect(page.getByText("Second sentence.")).toHaveCount(1);
  // The feed stayed up all along.
  expect(api.feeds).toHaveLength(1);
});

test("reconnects the caption feed after it drops, replays the gap through hello, and renews a refused token first", async ({
  page,
}) => {
  const api = await openPage(page);
  await listen(page, api);
  api.caption("en", 0, "Before the drop.");
  await expect(page.getByText("Before the drop.")).toBeVisible();

  await api.lastFeed!.route.close({ code: 1006 });
  await expect(page.getByRole("status")).toHaveText("Reconnecting…");
  // Published while no feed was subscribed: only the backend's store has it.
  api.caption("en", 1, "During the drop.");
  await expect.poll(() => api.subscribers("en").length).toBe(1);
  await expect(page.getByRole("status")).not.toHaveText("Reconnecting…");
  // Subscribed again: hello asks for what came after the last caption shown, and gets the gap.
  await expect.poll(() => api.lastSocket!.received.at(-1)).toEqual({ action: "hello", lastSeq: 0 });
  await expect(page.getByText("During the drop.")).toBeVisible();
  expect(api.refreshes).toHaveLength(0);

  // The service refuses the next subscription (token expired): the page refreshes its token first.
  api.refuseSubscriptions = 1;
  await api.lastFeed!.route.close({ code: 1006 });
  await expect.poll(() => api.refreshes.length).toBe(1);
  expect(api.refreshes[0]).toEqual({ listenerId: "lst_mock_0001", body: { listenerToken: "token-1" } });
  await expect.poll(() => api.subscribers("en").length).toBe(1);
  expect(api.subscribers("en")[0]!.authorization).toMatchObject({ Authorization: "token-2" });
  api.caption("en", 2, "After the renewal.");
  await expect(page.getByText("After the renewal.")).toBeVisible();
  expect(await shownLines(page)).toEqual(["Before the drop.", "During the drop.", "After the renewal."]);
  expect(api.joins).toHaveLength(1);
});

test("asks, once the WebSocket is back, for what came after the feed's resubscription began, not after what the feed delivered since", async ({
  page,
}) => {
  const api = await openPage(page);
  await listen(page, api);
  api.caption("en", 0, "Before the drop.");
  await expect(page.getByText("Before the drop.")).toBeVisible();

  // Both links drop; the WebSocket stays down while the feed comes back.
  api.socketsDown = true;
  await api.lastSocket!.route.close({ code: 1006 });
  await api.lastFeed!.route.close({ code: 1006 });
  api.caption("en", 1, "During the drop.");
  await expect.poll(() => api.subscribers("en").length).toBe(1);
  api.caption("en", 2, "On the new feed.");
  await expect(page.getByText("On the new feed.")).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Reconnecting…");

  api.socketsDown = false;
  await expect
    .poll(() => (api.sockets.length > 1 ? api.lastSocket!.received[0] : undefined), { timeout: 10_000 })
    .toEqual({ action: "hello", lastSeq: 0 });
  await expect(page.getByText("During the drop.")).toBeVisible();
  expect(await shownLines(page)).toEqual(["Before the drop.", "During the drop.", "On the new feed."]);
  await expect(page.getByRole("status")).not.toHaveText("Reconnecting…");
});

test("drops the feed when the phone goes offline, says so, and resubscribes with a hello for the gap once back", async ({
  page,
  context,
}) => {
  const api = await openPage(page);
  await listen(page, api);
  api.caption("en", 0, "Before going offline.");
  await expect(page.getByText("Before going offline.")).toBeVisible();

  await context.setOffline(true);
  await expect(page.getByRole("status")).toHaveText("No network. Reconnecting when it is back…");
  await expect.poll(() => api.feeds[0]!.closed).toBe(true);
  api.caption("en", 1, "While offline.");

  await context.setOffline(false);
  await expect.poll(() => api.subscribers("en").length).toBe(1);
  await expect.poll(() => api.lastSocket!.received.at(-1)).toEqual({ action: "hello", lastSeq: 0 });
  await expect(page.getByText("While offline.")).toBeVisible();
  await expect(page.getByRole("status")).not.toHaveText(/Reconnecting|No network/);
  expect(api.feeds).toHaveLength(2);
});

test("replays through hello, exactly once, a caption published before the feed's subscription was in place", async ({
  page,
}) => {
  const api = await openPage(page);
  api.holdSubscriptions = true;
  await page.getByRole("button", { name: "Listen" }).click();
  await expect.poll(() => api.lastFeed?.channel).toBe("/captions/amber-harbor-482/en");
  // Published while the subscription is not yet in place: the feed cannot deliver it.
  api.caption("en", 0, "Published before the subscription.");
  await expect.poll(() => api.sockets.length).toBe(1);
  expect(api.lastSocket!.received).toEqual([]);

  api.releaseSubscriptions();
  await expect.poll(() => api.lastSocket!.received).toEqual([{ action: "hello", lastSeq: -1 }]);
  await expect(page.getByText("Published before the subscription.")).toBeVisible();
  // Live on the feed, and (as a replay racing it would) on the WebSocket too: shown once, in order.
  api.caption("en", 1, "Published after it.");
  api.send({ type: "caption", language: "en", seq: 1, segmentSeq: 1, text: "Published after it.", sourceText: "x" });
  await expect(page.getByText("Published after it.")).toBeVisible();
  expect(await shownLines(page)).toEqual(["Published before the subscription.", "Published after it."]);
  expect(api.lastSocket!.received.filter((m) => m.action === "hello")).toHaveLength(1);
});

test("keeps its WebSocket alive with a hello every 4 minutes, under API Gateway's 10-minute idle timeout, while captions come from the feed", async ({
  page,
}) => {
  await page.clock.install();
  const api = await openPage(page);
  await listen(page, api);
  api.caption("en", 0, "Only on the feed.");
  await expect(page.getByText("Only on the feed.")).toBeVisible();
  const feeds = api.feeds.length;
  // Nine quiet minutes on the WebSocket; the Event API keeps its own connection alive with ka.
  for (let minute = 1; minute <= 9; minute++) {
    api.lastFeed?.route.send(JSON.stringify({ type: "ka" }));
    await page.clock.runFor(60_000);
  }
  expect(api.sockets).toHaveLength(1);
  expect(api.feeds).toHaveLength(feeds);
  expect(api.lastSocket!.received).toEqual([
    { action: "hello", lastSeq: -1 },
    { action: "hello", lastSeq: 0 },
    { action: "hello", lastSeq: 0 },
  ]);
});

test("asks again from its last caption while a hello's reply fills a page, so a long absence is replayed whole", async ({
  page,
}) => {
  const api = await openPage(page);
  api.holdSubscriptions = true;
  await page.getByRole("button", { name: "Listen" }).click();
  await expect.poll(() => api.lastFeed?.channel).toBe("/captions/amber-harbor-482/en");
  // 120 captions published before the subscription is in place: more than two pages.
  for (let seq = 0; seq < 120; seq++) api.caption("en", seq, `Caption ${seq}.`);
  api.releaseSubscriptions();
  await expect(page.getByText("Caption 119.")).toBeVisible();
  expect(api.lastSocket!.received.filter((m) => m.action === "hello")).toEqual([
    { action: "hello", lastSeq: -1 },
    { action: "hello", lastSeq: 49 },
    { action: "hello", lastSeq: 99 },
  ]);
  expect(await shownLines(page)).toHaveLength(120);
});

test("keeps trying to join after the tap while the network fails, saying so", async ({ page }) => {
  const api = await openPage(page);
  api.dropJoins = 2;
  await page.getByRole("button", { name: "Listen" }).click();
  await expect(page.getByRole("status")).toHaveText("Cannot reach the talk. Check your Wi-Fi; retrying…");
  await expect.poll(() => api.lastSocket?.received[0]).toEqual({ action: "hello", lastSeq: -1 });
  expect(api.joins).toEqual([{ language: "en" }]);
});

test("rejoins with the same listener id and token after a reload", async ({ page }) => {
  const api = await openPage(page);
  await listen(page, api);
  await page.reload();
  await page.getByRole("button", { name: "Listen" }).click();
  await expect.poll(() => api.joins.length).toBe(2);
  expect(api.joins[1]).toEqual({ language: "en", listenerId: "lst_mock_0001", listenerToken: "token-1" });
});

test("switches language over the WebSocket and moves the feed to the new language's channel, without a new join", async ({
  page,
}) => {
  const api = await openPage(page);
  await listen(page, api);
  api.caption("en", 0, "Hello everyone.");
  await expect(page.getByText("Hello everyone.")).toBeVisible();
  await page.getByLabel("Language").selectOption("es");
  await expect.poll(() => api.lastSocket!.received.at(-1)).toEqual({ action: "language", language: "es" });
  // Subscribed to Spanish first, then English let go.
  await expect.poll(() => api.subscribers("es").length).toBe(1);
  await expect.poll(() => api.feeds[0]!.closed).toBe(true);
  expect(api.subscribers("en")).toEqual([]);
  expect(api.lastFeed!.authorization).toMatchObject({ Authorization: "token-1" });
  api.send({ type: "language-changed", language: "es" });
  await expect(page.getByLabel("Idioma")).toHaveValue("es");
  // Once the server has the language and the feed is subscribed: hello for Spanish, which replays it.
  await expect.poll(() => api.lastSocket!.received.at(-1)).toEqual({ action: "hello", lastSeq: -1 });
  api.caption("es", 1, "Hola a todos.");
  await expect(page.getByText("Hola a todos.")).toHaveAttribute("lang", "es");
  expect(api.joins).toHaveLength(1);
  expect(api.sockets).toHaveLength(1);
  expect(api.feeds).toHaveLength(2);
});

test("retries audio with a refreshed grant when signaling fails, honestly reconnecting meanwhile", async ({ page }) => {
  const api = await openPage(page);
  const wsBase = server.ready.url.replace(/^http/, "ws");
  api.audio = {
    mode: "webrtc",
    signaling: {
      channelArn: "arn:aws:kinesisvideo:us-east-1:000000000000:channel/amber-harbor-482-0/1",
      channelEndpoint: `${wsBase}/mock-signaling`,
      signedUrl: `${wsBase}/mock-signaling?X-Amz-Signature=abc`,
      region: "us-east-1",
      role: "VIEWER",
      clientId: "lst_mock_0001",
      iceServers: [],
      // Already expired: the page must refresh before reconnecting.
      expiresAt: Date.now() - 1000,
    },
  };
  let signalingSockets = 0;
  await page.routeWebSocket(
    (url) => url.pathname === "/mock-signaling",
    (ws) => {
      signalingSockets += 1;
      ws.close({ code: 1011, reason: "dropped by the test" });
    },
  );
  await listen(page, api);
  await expect(page.getByRole("status")).toHaveText("Reconnecting…");
  await expect.poll(() => api.refreshes.length).toBeGreaterThan(0);
  expect(api.refreshes[0]!.listenerId).toBe("lst_mock_0001");
  await expect.poll(() => signalingSockets).toBeGreaterThan(1);
  expect(api.joins).toHaveLength(1);
});

test("says so when the link names no talk", async ({ page }) => {
  const api = new ListenerMockApi(server.ready.url);
  await api.install(page);
  await page.goto(`${server.ready.url}/s/amber-harbor-000`);
  await expect(page.getByRole("status")).toHaveText(/No talk at this address/);
});

test("caption size control, and auto-scroll that pauses while the reader scrolls back", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 640 });
  const api = await openPage(page);
  await listen(page, api);
  for (let i = 0; i < 40; i++) api.caption("en", i, `Sentence number ${i} of a long talk.`);
  await expect(page.getByText("Sentence number 39 of a long talk.")).toBeInViewport();

  const scroller = page.locator(".scroll");
  const fontSize = () => scroller.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
  const before = await fontSize();
  await page.getByRole("button", { name: "Larger text" }).click();
  expect(await fontSize()).toBeGreaterThan(before);

  await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  const latest = page.getByRole("button", { name: "Jump to the latest" });
  await expect(latest).toBeVisible();
  api.caption("en", 40, "A new sentence while reading back.");
  await expect(page.getByText("A new sentence while reading back.")).toBeAttached();
  expect(await scroller.evaluate((el) => el.scrollTop)).toBe(0);
  await latest.click();
  await expect(page.getByText("A new sentence while reading back.")).toBeInViewport();
  await expect(latest).toBeHidden();
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`has no serious or critical accessibility violations (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    const api = await openPage(page);
    const check = async () => {
      const result = await new AxeBuilder({ page }).analyze();
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    };
    expect(await check()).toEqual([]);
    await listen(page, api);
    api.caption("en", 0, "Captions are part of the check.");
    await expect(page.getByText("Captions are part of the check.")).toBeVisible();
    expect(await check()).toEqual([]);
  });
}

test("tells the listener when the presenter switches the source language, and offers the old source as a language", async ({
  page,
}) => {
  const api = await openPage(page, { sourceLanguage: "en", targetLanguages: ["es", "fr"] });
  await listen(page, api);
  const notice = {
    type: "source-language",
    sourceLanguage: "es",
    previousLanguage: "en",
    targetLanguages: ["fr", "en"],
  };
  api.publish("en", notice);
  // Shown beside "captions only" too: those listeners read the captions the switch changes.
  await expect(page.getByRole("status")).toContainText("🎙 English → Español");
  await expect(page.getByRole("combobox").locator("option")).toHaveCount(3);
  await expect(page.getByRole("combobox")).toHaveValue("en");
});
