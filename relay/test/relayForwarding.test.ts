import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChannelProtocol,
  type ChannelRole,
  CreateSignalingChannelCommand,
  GetSignalingChannelEndpointCommand,
  KinesisVideoClient,
} from "@aws-sdk/client-kinesis-video";
import { presignSignalingUrl } from "@babelcast/backend/aws/signalingPresigner.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "@babelcast/embedded/embeddedServer.js";
import { PATHS, type SignalingGrant } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelayProcess } from "./support/relayProcess.js";
import { ConsoleStandIn, CountingViewer, type ReceivedPacket } from "./support/rtpPeers.js";

let server: RunningEmbeddedServer;
let dataDir: string;
let control: KinesisVideoClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-relay-"));
  server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir });
  const { region, credentials } = server.context;
  control = new KinesisVideoClient({ endpoint: `${server.url}${PATHS.kinesisvideo}`, region, credentials });
});

afterAll(async () => {
  control?.destroy();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function createChannel(name: string): Promise<string> {
  const out = await control.send(new CreateSignalingChannelCommand({ ChannelName: name }));
  if (!out.ChannelARN) throw new Error("no channel ARN");
  return out.ChannelARN;
}

/** A grant as the backend presigns one (here with the data dir's account key, as the KVS tests do). */
async function grant(channelArn: string, role: "MASTER" | "VIEWER", clientId?: string): Promise<SignalingGrant> {
  const { region, credentials } = server.context;
  const endpoints = await control.send(
    new GetSignalingChannelEndpointCommand({
      ChannelARN: channelArn,
      SingleMasterChannelEndpointConfiguration: { Protocols: [ChannelProtocol.WSS], Role: role as ChannelRole },
    }),
  );
  const endpoint = endpoints.ResourceEndpointList?.[0]?.ResourceEndpoint ?? "";
  const signedUrl = await presignSignalingUrl({
    endpoint,
    channelArn,
    role,
    ...(clientId !== undefined ? { clientId } : {}),
    credentials,
    region,
    expiresSeconds: 299,
  });
  return {
    channelArn,
    channelEndpoint: endpoint,
    signedUrl,
    region,
    role,
    ...(clientId !== undefined ? { clientId } : {}),
    // Loopback host candidates connect every peer here; no TURN needed.
    iceServers: [],
    expiresAt: Date.now() + 299_000,
  };
}

/** Packets whose sequence number is not the previous one plus one (mod 2^16). */
function seqBreaks(packets: readonly ReceivedPacket[]): number {
  let breaks = 0;
  for (let i = 1; i < packets.length; i++) {
    const prev = packets[i - 1];
    const cur = packets[i];
    if (prev && cur && cur.seq !== (prev.seq + 1) % 65536) breaks += 1;
  }
  return breaks;
}

describe("relay process against the embedded KVS", () => {
  it("forwards each viewer its language's packets, switches a viewer's language without renegotiation, seq continuous, and sends silence on the same stream once the upstream stops", async () => {
    const consoleArn = await createChannel("babelcast-relaytest-console");
    const poolArn = await createChannel("babelcast-relaytest-pool-1");
    const standIn = new ConsoleStandIn(await grant(consoleArn, "MASTER"));
    await standIn.open();
    const relay = new RelayProcess();
    const viewers: CountingViewer[] = [];
    try {
      relay.send({
        type: "start",
        relayId: "relay-test1",
        upstream: await grant(consoleArn, "VIEWER", "relay-test1"),
        languages: ["en", "es"],
        bindAddress: "127.0.0.1",
      });
      relay.send({ type: "addChannel", grant: await grant(poolArn, "MASTER") });
      relay.send({ type: "assign", viewerId: "l-alice", language: "en" });
      relay.send({ type: "assign", viewerId: "l-bob", language: "es" });
      await expect
        .poll(() => relay.events.some((e) => e.type === "upstream" && e.languages.length === 2), { timeout: 20_000 })
        .toBe(true);
      await expect
        .poll(() => relay.events.some((e) => e.type === "channel" && e.state === "connected"), { timeout: 10_000 })
        .toBe(true);

      const alice = new CountingViewer(await grant(poolArn, "VIEWER", "l-alice"));
      const bob = new CountingViewer(await grant(poolArn, "VIEWER", "l-bob"));
      viewers.push(alice, bob);
      await Promise.all([alice.connect(), bob.connect()]);
      await expect
        .poll(() => alice.received.length, { timeout: 20_000, message: `alice's peer: ${alice.states.join(" → ")}` })
        .toBeGreaterThan(50);
      await expect
        .poll(() => bob.received.length, { timeout: 20_000, message: `bob's peer: ${bob.states.join(" → ")}` })
        .toBeGreaterThan(50);
      expect(alice.languageRuns()).toEqual(["en"]);
      expect(bob.languageRuns()).toEqual(["es"]);

      // Alice switches to Spanish: the relay re-stamps the other track into her stream.
      const beforeSwitch = alice.received.length;
      relay.send({ type: "assign", viewerId: "l-alice", language: "es" });
      await expect
        .poll(() => alice.received.slice(beforeSwitch).filter((p) => p.language === "es").length, { timeout: 10_000 })
        .toBeGreaterThan(50);
      expect(alice.languageRuns()).toEqual(["en", "es"]);
      const boundary = alice.received.findIndex((p) => p.language === "es");
      const [last, first] = [alice.received[boundary - 1], alice.received[boundary]];
      expect(first?.seq).toBe(((last?.seq ?? 0) + 1) % 65536);
      expect(first?.ssrc).toBe(last?.ssrc);
      const tsStep = ((first?.ts ?? 0) - (last?.ts ?? 0) + 2 ** 32) % 2 ** 32;
      expect(tsStep).toBeGreaterThan(0);
      expect(tsStep).toBeLessThan(48_000);
      expect(seqBreaks(alice.received)).toBe(0);
      expect(new Set(alice.received.map((p) => p.ssrc)).size).toBe(1);
      // No renegotiation: one offer, one answer, for the whole session.
      expect([alice.offersSent, alice.answersReceived]).toEqual([1, 1]);
      expect(standIn.offers).toBe(1);
      expect(bob.languageRuns()).toEqual(["es"]);

      // Bad input is refused with a message and changes nothing.
      relay.send({ type: "assign", viewerId: "l-bob", language: "fr" });
      relay.send({ type: "assign", viewerId: "l-bob" });
      relay.send({ type: "addChannel", grant: await grant(consoleArn, "MASTER") });
      await expect.poll(() => relay.errors().length, { timeout: 5_000 }).toBe(3);
      expect(relay.errors()[0]).toMatch(/fr is not relayed here/);
      expect(relay.errors()[1]).toMatch(/^relay command refused: language/);
      expect(relay.errors()[2]).toMatch(/is the console's channel/);
      const bobCount = bob.received.length;
      await expect.poll(() => bob.received.length - bobCount, { timeout: 5_000 }).toBeGreaterThan(10);
      expect(bob.languageRuns()).toEqual(["es"]);

      // The console goes away: its listeners get Opus silence on the same stream, numbering unbroken.
      const beforeLoss = alice.received.length;
      standIn.close();
      await expect
        .poll(() => alice.received.slice(beforeLoss).filter((p) => p.language === "?").length, {
          timeout: 10_000,
          message: "silence packets after the upstream stopped",
        })
        .toBeGreaterThan(20);
      expect(seqBreaks(alice.received)).toBe(0);
      expect(new Set(alice.received.map((p) => p.ssrc)).size).toBe(1);
      expect([alice.offersSent, alice.answersReceived]).toEqual([1, 1]);
      expect(relay.stderr).not.toMatch(/\[(Error|Fatal)\]|terminate called/);
    } finally {
      for (const v of viewers) v.close();
      const code = await relay.stop();
      standIn.close();
      expect(code).toBe(0);
    }
  }, 90_000);
});
