import { CreateSignalingChannelCommand, ListSignalingChannelsCommand } from "@aws-sdk/client-kinesis-video";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { b64, type KvsHarness, once, openClient, rawConnect, startKvsHarness } from "./kvsHarness.js";

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays the same frames. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAMES = 12_000;
const random = prng(20261127);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));

/** One hostile frame: text or binary, malformed in one of many ways. */
function hostileFrame(): { data: string | Buffer; binary: boolean } {
  const kind = Math.floor(random() * 13);
  const text = (value: unknown) => ({ data: typeof value === "string" ? value : JSON.stringify(value), binary: false });
  switch (kind) {
    case 0:
      return { data: bytes(1 + Math.floor(random() * 512)), binary: true };
    case 1:
      return text(bytes(1 + Math.floor(random() * 200)).toString("latin1"));
    case 2:
      return text(`{"action":"SDP_OFFER","messagePayload":"${"x".repeat(Math.floor(random() * 50))}`);
    case 3:
      return text({
        action: pick(["PING", "", "sdp_offer", "GO_AWAY", "STATUS_RESPONSE", 42, null]),
        messagePayload: b64({}),
      });
    case 4:
      return text({
        action: "SDP_OFFER",
        messagePayload: "A".repeat(10_241 + Math.floor(random() * 20_000)),
        correlationId: "big",
      });
    case 5:
      return text({
        action: "ICE_CANDIDATE",
        messagePayload: b64({ c: 1 }),
        recipientClientId: pick(["ghost", "", "../x", "a".repeat(300)]),
      });
    case 6:
      return text({ action: "SDP_ANSWER", messagePayload: pick([42, {}, [], "not base64!", ""]), correlationId: "p" });
    case 7:
      return text({
        action: "SDP_OFFER",
        messagePayload: b64({ sdp: "v=0" }),
        correlationId: pick(["ok-1", "bad id", "x".repeat(300), 7]),
      });
    case 8:
      return text(
        JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"action":"ICE_CANDIDATE"}'),
      );
    case 9:
      return text(`${"[".repeat(5000)}${"]".repeat(5000)}`);
    case 10:
      return text(pick(["null", "true", "1e309", '""', "{}", "[]", "\u0000\uffff"]));
    case 11:
      // Far past any payload limit: the server closes such a socket (1009) rather than buffer it.
      return random() < 0.1
        ? { data: Buffer.alloc(200_000, Math.floor(random() * 256)), binary: random() < 0.5 }
        : text("{}");
    default:
      return text({
        action: "ICE_CANDIDATE",
        messagePayload: b64({ candidate: "candidate:1 1 udp 1 10.0.0.1 9 typ host" }),
      });
  }
}

let h: KvsHarness;
beforeAll(async () => {
  h = await startKvsHarness({ connectsPerSecondPerChannel: 1000 });
});
afterAll(async () => {
  await h.close();
});

describe("signaling under hostile input", () => {
  it("survives 12,000 malformed and hostile frames without crashing, leaking sockets or disturbing other channels", async () => {
    const create = async (name: string) =>
      (await h.control.send(new CreateSignalingChannelCommand({ ChannelName: name }))).ChannelARN ?? "";
    const good = await create("fuzz-good");
    const bad = await create("fuzz-bad");

    // Well-behaved neighbours: a viewer pings its master, which answers each ping.
    const master = await openClient(h.client(good, "MASTER"));
    const viewer = await openClient(h.client(good, "VIEWER", "good-viewer"));
    const answered: number[] = [];
    master.on("iceCandidate", (c: { n: number }, sender: string) => {
      master.sendIceCandidate({ n: c.n } as never, sender);
    });
    master.on("sdpOffer", (_o: unknown, sender: string) => master.sendSdpAnswer({ type: "answer" } as never, sender));
    viewer.on("iceCandidate", (c: { n: number }) => answered.push(c.n));
    const gotAnswer = once(viewer, "sdpAnswer");
    viewer.sendSdpOffer({ type: "offer" } as never);
    await gotAnswer;
    const baseline = h.kvs.openSockets();
    let pings = 0;
    const pinger = setInterval(() => viewer.sendIceCandidate({ n: pings++ } as never), 100);
    // Hostile clients on another channel: a master and viewers, reconnecting when the server drops them.
    const urls = [
      await h.presign(bad, "MASTER"),
      ...(await Promise.all(["h1", "h2", "h3"].map((id) => h.presign(bad, "VIEWER", id)))),
    ];
    const sockets: WebSocket[] = [];
    let dropped = 0;
    const connect = async (i: number) => {
      const r = await rawConnect(urls[i] ?? "");
      if (!r.ws) throw new Error(`hostile client ${i} refused: ${r.status}`);
      sockets[i] = r.ws;
      r.ws.on("close", () => {
        dropped += 1;
      });
      return r.ws;
    };
    try {
      await Promise.all(urls.map((_, i) => connect(i)));
      for (let sent = 0; sent < FRAMES; sent++) {
        const i = sent % urls.length;
        let ws = sockets[i] as WebSocket;
        if (ws.readyState !== ws.OPEN) ws = await connect(i);
        const frame = hostileFrame();
        ws.send(frame.data, { binary: frame.binary });
        if (sent % 200 === 199) await new Promise((r) => setTimeout(r, 5)); // let the event loop breathe
      }
      // A fence on each hostile socket: its STATUS_RESPONSE proves every earlier frame was handled.
      await new Promise((r) => setTimeout(r, 300)); // closes for the last oversize frames arrive
      for (const [i, ws] of sockets.entries()) if (ws.readyState !== ws.OPEN) await connect(i);
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error("no fence response")), 10_000);
              ws.on("message", (data) => {
                if (String(data).includes('"fence"')) {
                  clearTimeout(timer);
                  resolve();
                }
              });
              ws.send(JSON.stringify({ action: "NOPE", messagePayload: b64({}), correlationId: "fence" }));
            }),
        ),
      );
    } finally {
      clearInterval(pinger);
    }

    // The server still answers, and the neighbours got every answer, in order.
    const list = await h.control.send(new ListSignalingChannelsCommand({}));
    expect(list.ChannelInfoList?.length).toBeGreaterThanOrEqual(2);
    await expect.poll(() => answered.length, { timeout: 5000 }).toBe(pings);
    expect(answered).toEqual(Array.from({ length: pings }, (_, i) => i));
    expect(pings).toBeGreaterThan(5);
    expect(dropped).toBeGreaterThan(0); // oversize frames did get sockets closed

    // No socket leaks: once the hostile clients leave, only the neighbours remain.
    for (const ws of sockets) {
      if (ws.readyState === ws.CLOSED) continue;
      const closed = once(ws, "close");
      ws.close();
      await closed;
    }
    await expect.poll(() => h.kvs.openSockets(), { timeout: 5000 }).toBe(baseline);
    expect(h.kvs.relay.stats.connections).toBe(baseline);
    expect(h.kvs.relay.viewerCount(bad)).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    master.close();
    viewer.close();
  });
});
