import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { captionScreenUrl, embedPlayerUrl, embedSnippet } from "@babelcast/protocol";
import { expect, test } from "@playwright/test";
import { type ServedEmbedded, serveEmbedded } from "../../support/embeddedServer.js";
import { ensureListenerPageBuilt } from "../../support/listenerBuild.js";
import { type LiveSession, startLiveSession } from "../../support/listenerLiveSession.js";
import { ownerTokenOf } from "../../support/transcribeHarness.js";

// The caption screen and the embeddable player against the real embedded server; the sites
// that embed the player are tiny static servers on other loopback origins.

const IMAGES = join(import.meta.dirname, "..", "..", "..", "docs", "images");

let server: ServedEmbedded;
let live: LiveSession | undefined;
const hosts: Server[] = [];

/** A site at `http://localhost:{port}` whose one page is `html`. */
async function hostSite(html: string): Promise<string> {
  const site = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  hosts.push(site);
  return `http://localhost:${(site.address() as AddressInfo).port}`;
}

async function setEmbedOrigins(origins: unknown): Promise<Response> {
  return fetch(`${live!.config.apiUrl}/sessions/${live!.id}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${ownerTokenOf(server.ready.consoleUrl)}`, "content-type": "application/json" },
    body: JSON.stringify({ embedOrigins: origins }),
  });
}

test.beforeAll(async () => {
  ensureListenerPageBuilt();
  server = await serveEmbedded();
});
test.afterAll(async () => {
  for (const h of hosts) h.close();
  await server?.stop();
});
test.beforeEach(async () => {
  live = await startLiveSession(server);
});
test.afterEach(async () => {
  await live?.close();
});

test("caption screen shows only the last three lines of its language, in large type, without controls", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(captionScreenUrl(server.ready.url, live!.id, "en"));
  // The first subscription and connection cold-start the authorizers' containers: allow for it.
  await expect(page.locator("main[data-following=true]")).toBeVisible({ timeout: 30_000 });
  const texts = ["Welcome, everyone.", "Please take your seats.", "We begin with a reading.", "Then we sing together."];
  for (const [seq, text] of texts.entries()) {
    const t = Date.now();
    await live!.send({
      action: "segment",
      seq,
      text,
      startTime: seq * 2,
      endTime: seq * 2 + 1.5,
      stages: { spokenEndAt: t - 500, committedAt: t - 100, sentAt: t },
    });
  }
  const lines = page.locator("main .line");
  await expect(lines).toHaveText(texts.slice(1));
  const fontPx = await lines.first().evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
  expect(fontPx).toBeGreaterThanOrEqual(40);
  await expect(page.locator("button, select, input")).toHaveCount(0);
  await page.screenshot({ path: join(IMAGES, "caption-screen.png") });

  // A screen opened mid-talk starts with the lines already said (replayed on its WebSocket).
  const late = await page.context().newPage();
  await late.goto(captionScreenUrl(server.ready.url, live!.id, "en"));
  await expect(late.locator("main .line")).toHaveText(texts.slice(1), { timeout: 30_000 });
});

test("refuses an embed allow-list entry that is not an https origin, and changes nothing", async () => {
  expect((await setEmbedOrigins(["https://church.example.org"])).status).toBe(200);
  const bad = await setEmbedOrigins(["http://church.example.org"]);
  expect(bad.status).toBe(400);
  expect(JSON.stringify(await bad.json())).toContain("must start with https://");
  const view = await fetch(`${live!.config.apiUrl}/sessions/${live!.id}`, {
    headers: { authorization: `Bearer ${ownerTokenOf(server.ready.consoleUrl)}` },
  });
  expect((await view.json()).embedOrigins).toEqual(["https://church.example.org"]);
});

test("embed player plays in an iframe on an allowed origin and is refused by the browser on any other", async ({
  page,
}) => {
  const player = embedPlayerUrl(live!.config.apiUrl, live!.id, "es");
  const allowed = await hostSite(`<h1>Parish site</h1>${embedSnippet(player)}`);
  const other = await hostSite(`<h1>Other site</h1>${embedSnippet(player)}`);

  // None by default: even the future allowed site is refused.
  const byDefault = await fetch(player);
  expect(byDefault.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");

  expect((await setEmbedOrigins([allowed])).status).toBe(200);
  await page.setViewportSize({ width: 640, height: 440 });
  await page.goto(allowed);
  const frame = page.frameLocator("iframe");
  await expect(frame.getByRole("heading", { name: "Listener e2e talk" })).toBeVisible();
  // One language named in the link: no picker.
  await expect(frame.locator("select")).toHaveCount(0);
  // The player inside the frame joins and follows the Spanish captions (no presenter audio here).
  await frame.getByRole("button", { name: "Escuchar" }).click();
  const t = Date.now();
  await live!.send({
    action: "segment",
    seq: 0,
    text: "Welcome to the talk.",
    startTime: 0,
    endTime: 1.2,
    stages: { spokenEndAt: t - 800, committedAt: t - 100, sentAt: t },
  });
  await expect(frame.getByRole("log")).toHaveText(/\w{3,}/, { timeout: 30_000 });
  await page.screenshot({ path: join(IMAGES, "embed-player.png") });

  const refusals: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("frame-ancestors")) refusals.push(m.text());
  });
  await page.goto(other);
  await expect(page.getByRole("heading", { name: "Other site" })).toBeVisible();
  await expect.poll(() => refusals.length).toBeGreaterThan(0);
  await expect(page.frameLocator("iframe").getByRole("heading", { name: "Listener e2e talk" })).toHaveCount(0);
});
