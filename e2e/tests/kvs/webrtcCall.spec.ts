import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSignalingChannelCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
// Relative imports: Playwright maps .js to .ts for relative paths, not through package exports.
import { type RunningEmbeddedServer, startEmbeddedServer } from "@babelcast/embedded/embeddedServer.js";
import { PATHS } from "@babelcast/protocol";
import { type Browser, expect, test } from "@playwright/test";
import { KVS_CALL_PAGE } from "../../support/kvsCallPage.js";
import { channelPresigner } from "../../support/kvsPresign.js";
import { kvsSignalingBundle } from "../../support/kvsSignalingBundle.js";

let server: RunningEmbeddedServer;
let pages: Server;
let pagesUrl: string;
let dataDir: string;
let browser: Browser;

test.beforeAll(async ({ playwright }, testInfo) => {
  // The project's browser, plus Chromium's fake microphone (a beeping tone) for the master page.
  const launch = testInfo.project.use.launchOptions ?? {};
  browser = await playwright.chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), "--use-fake-device-for-media-stream"],
  });
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-kvs-call-"));
  server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir });
  const sdk = await kvsSignalingBundle();
  pages = createServer((req, res) => {
    if (req.url === "/kvs-sdk.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(sdk);
    } else {
      res.writeHead(200, { "content-type": "text/html" }).end(KVS_CALL_PAGE);
    }
  });
  await new Promise<void>((r) => pages.listen(0, "127.0.0.1", () => r()));
  pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await browser?.close();
  pages?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a master page and a viewer page set up a WebRTC audio call through the emulator and audio flows", async () => {
  const context = await browser.newContext();
  const { region, credentials } = server.context;
  const control = new KinesisVideoClient({ endpoint: `${server.url}${PATHS.kinesisvideo}`, region, credentials });
  const { ChannelARN: channelArn = "" } = await control.send(
    new CreateSignalingChannelCommand({ ChannelName: "call" }),
  );
  const { endpoints, presign } = channelPresigner(server.url, channelArn, credentials, region);

  const masterPage = await context.newPage();
  const viewerPage = await context.newPage();
  await masterPage.goto(pagesUrl);
  await viewerPage.goto(pagesUrl);
  const common = { channelArn, region, iceServers: [] };
  const tracks = await masterPage.evaluate(
    (cfg) => (window as unknown as { kvsCall: { master(c: unknown): Promise<number> } }).kvsCall.master(cfg),
    { ...common, endpoint: endpoints.wssMaster, signedUrl: await presign("MASTER") },
  );
  expect(tracks).toBe(1);
  await viewerPage.evaluate(
    (cfg) => (window as unknown as { kvsCall: { viewer(c: unknown): Promise<void> } }).kvsCall.viewer(cfg),
    {
      ...common,
      endpoint: endpoints.wssViewer,
      clientId: "listener-1",
      signedUrl: await presign("VIEWER", "listener-1"),
    },
  );

  const state = () =>
    viewerPage.evaluate(() =>
      (
        window as unknown as { kvsCall: { viewerState(): Promise<{ connectionState: string; bytesReceived: number }> } }
      ).kvsCall.viewerState(),
    );
  await expect.poll(async () => (await state()).connectionState, { timeout: 20_000 }).toBe("connected");
  await expect.poll(async () => (await state()).bytesReceived, { timeout: 20_000 }).toBeGreaterThan(0);
  const first = (await state()).bytesReceived;
  await expect.poll(async () => (await state()).bytesReceived, { timeout: 10_000 }).toBeGreaterThan(first + 1000);
  control.destroy();
  await context.close();
});
