import { CreateSignalingChannelCommand, DeleteSignalingChannelCommand } from "@aws-sdk/client-kinesis-video";
import { presignSignalingUrl } from "@babelcast/backend/aws/signalingPresigner.js";
import { type SignalingClient, SigV4RequestSigner } from "amazon-kinesis-video-streams-webrtc";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { b64, type KvsHarness, nextMessage, once, openClient, rawConnect, startKvsHarness } from "./kvsHarness.js";

let h: KvsHarness;
let seq = 0;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  // The master answers 10 viewers at once here: over AWS's 5 answers/s, which its own test covers.
  h = await startKvsHarness({ connectsPerSecondPerChannel: 1000, sdpAnswersPerSecond: 100 });
});
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});
afterAll(async () => {
  await h.close();
});

async function channel(ttl = 60): Promise<string> {
  seq += 1;
  const out = await h.control.send(
    new CreateSignalingChannelCommand({
      ChannelName: `sig-${seq}`,
      SingleMasterConfiguration: { MessageTtlSeconds: ttl },
    }),
  );
  return out.ChannelARN ?? "";
}

async function open(arn: string, role: "MASTER" | "VIEWER", clientId?: string): Promise<SignalingClient> {
  const c = await openClient(h.client(arn, role, clientId));
  opened.push(c);
  return c;
}

async function raw(url: string): Promise<WebSocket> {
  const r = await rawConnect(url);
  if (!r.ws) throw new Error(`refused with ${r.status} ${r.errorType}`);
  opened.push(r.ws);
  return r.ws;
}

const offer = (id: string) => ({ type: "offer", sdp: `v=0 offer from ${id}` });
const answer = (id: string) => ({ type: "answer", sdp: `v=0 answer to ${id}` });
const candidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 1 127.0.0.1 ${5000 + n} typ host`, sdpMid: "0" });

describe("signaling through the SDK's SignalingClient", () => {
  it("relays offers, answers and candidates between a master and 10 viewers with the right sender ids", async () => {
    const arn = await channel();
    const master = await open(arn, "MASTER");
    const viewerIds = Array.from({ length: 10 }, (_, i) => `viewer-${i}`);
    const viewers = await Promise.all(viewerIds.map((id) => open(arn, "VIEWER", id)));

    const offersAtMaster = new Map<string, unknown>();
    const candidatesAtMaster = new Map<string, unknown[]>();
    master.on("sdpOffer", (sdp: unknown, sender: string) => {
      offersAtMaster.set(sender, sdp);
      master.sendSdpAnswer(answer(sender) as never, sender);
      master.sendIceCandidate(candidate(99) as never, sender);
    });
    master.on("iceCandidate", (c: unknown, sender: string) => {
      candidatesAtMaster.set(sender, [...(candidatesAtMaster.get(sender) ?? []), c]);
    });

    const results = await Promise.all(
      viewers.map(async (v, i) => {
        const id = viewerIds[i] ?? "";
        const gotAnswer = once<[unknown, string | undefined]>(v, "sdpAnswer");
        const gotCandidate = once<[unknown, string | undefined]>(v, "iceCandidate");
        v.sendSdpOffer(offer(id) as never);
        v.sendIceCandidate(candidate(i) as never);
        const [[a, aSender], [c, cSender]] = await Promise.all([gotAnswer, gotCandidate]);
        return { id, a, aSender, c, cSender };
      }),
    );
    for (const r of results) {
      expect(r.a).toEqual(answer(r.id));
      expect(r.aSender).toBeUndefined(); // messages from the master carry no sender id
      expect(r.c).toEqual(candidate(99));
      expect(r.cSender).toBeUndefined();
    }
    await expect.poll(() => candidatesAtMaster.size).toBe(10);
    for (const [i, id] of viewerIds.entries()) {
      expect(offersAtMaster.get(id)).toEqual(offer(id));
      expect(candidatesAtMaster.get(id)).toEqual([candidate(i)]);
    }
  });

  it("refuses the 11th viewer with ClientLimitExceededException", async () => {
    const arn = await channel();
    await Promise.all(Array.from({ length: 10 }, (_, i) => open(arn, "VIEWER", `v${i}`)));
    const eleventh = await rawConnect(await h.presign(arn, "VIEWER", "v10"));
    expect(eleventh).toMatchObject({ status: 400, errorType: "ClientLimitExceededException" });
    const sdk = h.client(arn, "VIEWER", "v11");
    const failed = once(sdk, "error");
    sdk.open();
    await failed;
    // A viewer reconnecting with its own client id is not a new viewer.
    await open(arn, "VIEWER", "v3");
    expect(h.kvs.relay.viewerCount(arn)).toBe(10);
  });

  it("keeps viewer messages for an absent master and delivers them when it connects", async () => {
    const arn = await channel(30);
    const viewer = await open(arn, "VIEWER", "early");
    viewer.sendSdpOffer(offer("early") as never);
    viewer.sendIceCandidate(candidate(1) as never);
    await expect.poll(() => h.kvs.relay.stats.queued).toBeGreaterThanOrEqual(2);
    const master = h.client(arn, "MASTER");
    const gotOffer = once<[unknown, string]>(master, "sdpOffer");
    const gotCandidate = once<[unknown, string]>(master, "iceCandidate");
    await openClient(master);
    opened.push(master);
    expect(await gotOffer).toEqual([offer("early"), "early"]);
    expect(await gotCandidate).toEqual([candidate(1), "early"]);
  });

  it("lets a new master connection take over from the old one", async () => {
    const arn = await channel();
    const oldMaster = await open(arn, "MASTER");
    const oldClosed = once(oldMaster, "close");
    const newMaster = await open(arn, "MASTER");
    await oldClosed;
    const viewer = await open(arn, "VIEWER", "v");
    const got = once<[unknown, string]>(newMaster, "sdpOffer");
    viewer.sendSdpOffer(offer("v") as never);
    expect(await got).toEqual([offer("v"), "v"]);
  });

  it("closes the connections of a deleted channel", async () => {
    const arn = await channel();
    const master = await open(arn, "MASTER");
    const closed = once(master, "close");
    await h.control.send(new DeleteSignalingChannelCommand({ ChannelARN: arn }));
    await closed;
    expect(await rawConnect(await h.presign(arn, "MASTER"))).toMatchObject({
      status: 404,
      errorType: "ResourceNotFoundException",
    });
  });
});

describe("presigned URLs at the upgrade", () => {
  it("accepts a URL signed by the SDK's own SigV4RequestSigner", async () => {
    const arn = await channel();
    const signer = new SigV4RequestSigner(h.server.context.region, h.server.context.credentials);
    // The SDK's signer only takes wss://; the host and path it signs are the same for ws://.
    const endpoint = h.kvs.endpoints.wssViewer.replace(/^ws:/, "wss:");
    const url = await signer.getSignedURL(endpoint, { "X-Amz-ChannelARN": arn, "X-Amz-ClientId": "sdk-signed" });
    const r = await rawConnect(url.replace(/^wss:/, "ws:"));
    expect(r.ws).toBeDefined();
    r.ws?.close();
  });

  it("refuses unsigned, tampered, expired and wrongly keyed URLs with 403", async () => {
    const arn = await channel();
    const good = await h.presign(arn, "VIEWER", "alice");
    const unsigned = `${h.kvs.endpoints.wssViewer}?X-Amz-ChannelARN=${encodeURIComponent(arn)}&X-Amz-ClientId=alice`;
    const tampered = good.replace("X-Amz-ClientId=alice", "X-Amz-ClientId=mallory");
    const expired = await presignSignalingUrl({
      endpoint: h.kvs.endpoints.wssViewer,
      channelArn: arn,
      role: "VIEWER",
      clientId: "alice",
      credentials: h.server.context.credentials,
      region: h.server.context.region,
      expiresSeconds: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    const wrongKey = await presignSignalingUrl({
      endpoint: h.kvs.endpoints.wssViewer,
      channelArn: arn,
      role: "VIEWER",
      clientId: "alice",
      credentials: { accessKeyId: h.server.context.credentials.accessKeyId, secretAccessKey: "guessed" },
      region: h.server.context.region,
      expiresSeconds: 60,
    });
    for (const url of [unsigned, tampered, expired, wrongKey]) {
      expect((await rawConnect(url)).status).toBe(403);
    }
    const ok = await rawConnect(good);
    expect(ok.ws).toBeDefined();
    ok.ws?.close();
  });

  it("never lets a viewer URL connect as master", async () => {
    const arn = await channel();
    const viewerUrl = await h.presign(arn, "VIEWER", "sneaky");
    const asMaster = viewerUrl.replace("/kvs-signaling/viewer?", "/kvs-signaling/master?");
    expect(await rawConnect(asMaster)).toMatchObject({ status: 403, errorType: "InvalidSignatureException" });
    const withoutClientId = viewerUrl.replace(/&?X-Amz-ClientId=sneaky/, "");
    expect((await rawConnect(withoutClientId)).status).toBe(403);
  });
});

describe("AWS's limits and message rules", () => {
  it("answers bad messages with STATUS_RESPONSE only when they carry a correlationId", async () => {
    const arn = await channel();
    const master = await raw(await h.presign(arn, "MASTER"));
    master.send(JSON.stringify({ action: "SDP_ANSWER", messagePayload: b64(answer("x")), correlationId: "c-1" }));
    expect(await nextMessage(master)).toEqual({
      messageType: "STATUS_RESPONSE",
      statusResponse: {
        correlationId: "c-1",
        errorType: "InvalidArgumentException",
        statusCode: "400",
        description: expect.stringContaining("recipientClientId"),
      },
    });
    master.send(JSON.stringify({ action: "SDP_ANSWER", messagePayload: b64(answer("x")), recipientClientId: "ghost" }));
    master.send(JSON.stringify({ action: "PING", messagePayload: b64({}), correlationId: "c-2" }));
    const next = await nextMessage(master);
    expect(next.statusResponse).toMatchObject({ correlationId: "c-2", errorType: "InvalidArgumentException" });
  });

  it("refuses payloads over 10 KB", async () => {
    const arn = await channel();
    const viewer = await raw(await h.presign(arn, "VIEWER", "big"));
    viewer.send(JSON.stringify({ action: "SDP_OFFER", messagePayload: "A".repeat(10_241), correlationId: "big-1" }));
    expect((await nextMessage(viewer)).statusResponse).toMatchObject({
      correlationId: "big-1",
      errorType: "InvalidArgumentException",
      description: expect.stringContaining("10240"),
    });
  });

  it("limits SDP offers to 5 per second per connection", async () => {
    const arn = await channel();
    await raw(await h.presign(arn, "MASTER"));
    const viewer = await raw(await h.presign(arn, "VIEWER", "chatty"));
    const responses: Record<string, unknown>[] = [];
    viewer.on("message", (d) => responses.push(JSON.parse(String(d)) as Record<string, unknown>));
    for (let i = 0; i < 10; i++) {
      viewer.send(JSON.stringify({ action: "SDP_OFFER", messagePayload: b64(offer(`${i}`)), correlationId: `o-${i}` }));
    }
    await expect.poll(() => responses.length).toBeGreaterThan(0);
    // A burst of one second's worth passes; the rest of the ten, sent at once, are refused.
    expect(responses.length).toBeLessThanOrEqual(5);
    for (const r of responses) {
      expect(r.statusResponse).toMatchObject({ errorType: "ClientLimitExceededException", statusCode: "400" });
    }
  });
});

describe("connect rate", () => {
  it("admits 3 connections per second per channel", async () => {
    const strict = await startKvsHarness({});
    try {
      const { ChannelARN = "" } = await strict.control.send(new CreateSignalingChannelCommand({ ChannelName: "rate" }));
      // Presigned first, then opened together: six connects well within one second.
      const urls = await Promise.all(
        Array.from({ length: 6 }, (_, i) => strict.presign(ChannelARN, "VIEWER", `r${i}`)),
      );
      const results = await Promise.all(urls.map((u) => rawConnect(u)));
      const refused = results.filter((r) => !r.ws);
      expect(results.filter((r) => r.ws).length).toBeGreaterThanOrEqual(3);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const r of refused) expect(r).toMatchObject({ status: 400, errorType: "ClientLimitExceededException" });
      for (const r of results) r.ws?.close();
    } finally {
      await strict.close();
    }
  });
});

describe("connection lifetime", () => {
  it("sends GO_AWAY before the maximum duration and closes the socket at it", async () => {
    const short = await startKvsHarness({ maxConnectionSeconds: 1.2, goAwayBeforeSeconds: 0.8 });
    try {
      const { ChannelARN = "" } = await short.control.send(new CreateSignalingChannelCommand({ ChannelName: "short" }));
      const started = Date.now();
      const r = await rawConnect(await short.presign(ChannelARN, "MASTER"));
      const ws = r.ws!;
      const closed = once<[number, Buffer]>(ws, "close", 5000);
      expect(await nextMessage(ws)).toEqual({ messageType: "GO_AWAY" });
      const goAwayAt = Date.now() - started;
      const [code] = await closed;
      const closedAt = Date.now() - started;
      expect(goAwayAt).toBeGreaterThanOrEqual(300);
      expect(closedAt).toBeGreaterThanOrEqual(1100);
      expect(closedAt).toBeGreaterThanOrEqual(goAwayAt);
      expect(code).toBe(1001);
    } finally {
      await short.close();
    }
  });

  it("closes idle connections after the idle timeout, and not busy ones", async () => {
    const idle = await startKvsHarness({ idleTimeoutSeconds: 1, connectsPerSecondPerChannel: 100 });
    try {
      const { ChannelARN = "" } = await idle.control.send(new CreateSignalingChannelCommand({ ChannelName: "idle" }));
      const quiet = (await rawConnect(await idle.presign(ChannelARN, "VIEWER", "quiet"))).ws!;
      const busy = (await rawConnect(await idle.presign(ChannelARN, "VIEWER", "busy"))).ws!;
      const quietClosed = once<[number]>(quiet, "close", 3000);
      const keepAlive = setInterval(
        () => busy.send(JSON.stringify({ action: "ICE_CANDIDATE", messagePayload: b64(candidate(1)) })),
        100,
      );
      try {
        const [code] = await quietClosed;
        expect(code).toBe(1000);
        await new Promise((r) => setTimeout(r, 1300));
        expect(busy.readyState).toBe(busy.OPEN);
      } finally {
        clearInterval(keepAlive);
        busy.close();
      }
    } finally {
      await idle.close();
    }
  });
});

describe("fault injection at the upgrade", () => {
  it("refuses connections with the injected error while the switch is on", async () => {
    const arn = await channel();
    const url = await h.presign(arn, "VIEWER", "faulty");
    h.kvs.faults.set({ throttleRate: 1 });
    try {
      expect(await rawConnect(url)).toMatchObject({ status: 400, errorType: "ClientLimitExceededException" });
    } finally {
      h.kvs.faults.set({ throttleRate: 0 });
    }
    const ok = await rawConnect(url);
    expect(ok.ws).toBeDefined();
    ok.ws?.close();
  });
});
