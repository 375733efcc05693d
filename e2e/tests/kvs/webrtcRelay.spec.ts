import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSignalingChannelCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { GetIceServerConfigCommand, KinesisVideoSignalingClient } from "@aws-sdk/client-kinesis-video-signaling";
import { type RunningEmbeddedServer, startEmbeddedServer } from "@babelcast/embedded/embeddedServer.js";
import { PATHS } from "@babelcast/protocol";
import { type Browser, expect, test } from "@playwright/test";
import { serveKvsCallPage } from "../../support/kvsCallPage.js";
import { channelPresigner } from "../../support/kvsPresign.js";

let server: RunningEmbeddedServer;
let pages: Awaited<ReturnType<typeof serveKvsCallPage>>;
let dataDir: string;
let browser: Browser;

test.beforeAll(async ({ playwright }, testInfo) => {
  const launch = testInfo.project.use.launchOptions ?? {};
  browser = await playwright.chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), "--use-fake-device-for-media-stream"],
  });
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-kvs-relay-"));
  server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir });
  pages = await serveKvsCallPage();
});

test.afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** GetIceServerConfig as the backend calls it, turned into what RTCPeerConnection takes. */
async function iceServersFor(channelArn: string, clientId?: string): Promise<RTCIceServer[]> {
  const { region, credentials } = server.context;
  const signaling = new KinesisVideoSignalingClient({
    endpoint: `${server.url}${PATHS.kinesisvideoSignaling}`,
    region,
    credentials,
  });
  const out = await signaling.send(new GetIceServerConfigCommand({ ChannelARN: channelArn, ClientId: clientId }));
  signaling.destroy();
  return (out.IceServerList ?? []).map((s) => ({
    urls: s.Uris ?? [],
    username: s.Username ?? "",
    credential: s.Password ?? "",
  }));
}

test("with direct candidates blocked on both peers, audio flows through the embedded TURN server", async () => {
  const context = await browser.newContext();
  const { region, credentials } = server.context;
  const control = new KinesisVideoClient({ endpoint: `${server.url}${PATHS.kinesisvideo}`, region, credentials });
  const { ChannelARN: channelArn = "" } = await control.send(
    new CreateSignalingChannelCommand({ ChannelName: "relayed" }),
  );
  const { endpoints, presign } = channelPresigner(server.url, channelArn, credentials, region);
  const masterIce = await iceServersFor(channelArn);
  const viewerIce = await iceServersFor(channelArn, "listener-1");
  expect(masterIce[0]?.urls).toEqual(expect.arrayContaining([expect.stringMatching(/^turn:/)]));

  const masterPage = await context.newPage();
  const viewerPage = await context.newPage();
  await masterPage.goto(pages.url);
  await viewerPage.goto(pages.url);
  // "relay": the peers gather no host or server-reflexive candidates, only TURN allocations.
  const common = { channelArn, region, iceTransportPolicy: "relay" };
  await masterPage.evaluate(
    (cfg) => (window as unknown as { kvsCall: { master(c: unknown): Promise<number> } }).kvsCall.master(cfg),
    { ...common, iceServers: masterIce, endpoint: endpoints.wssMaster, signedUrl: await presign("MASTER") },
  );
  await viewerPage.evaluate(
    (cfg) => (window as unknown as { kvsCall: { viewer(c: unknown): Promise<void> } }).kvsCall.viewer(cfg),
    {
      ...common,
      iceServers: viewerIce,
      endpoint: endpoints.wssViewer,
      clientId: "listener-1",
      signedUrl: await presign("VIEWER", "listener-1"),
    },
  );

  interface ViewerState {
    connectionState: string;
    bytesReceived: number;
    selectedPair?: { local?: string; remote?: string };
  }
  const state = () =>
    viewerPage.evaluate(() =>
      (window as unknown as { kvsCall: { viewerState(): Promise<ViewerState> } }).kvsCall.viewerState(),
    );
  await expect.poll(async () => (await state()).connectionState, { timeout: 20_000 }).toBe("connected");
  const first = (await state()).bytesReceived;
  await expect.poll(async () => (await state()).bytesReceived, { timeout: 10_000 }).toBeGreaterThan(first + 1000);
  expect((await state()).selectedPair).toEqual({ local: "relay", remote: "relay" });
  control.destroy();
  await context.close();
});
