import { beforeEach, describe, expect, it } from "vitest";
import { KvsSettings } from "../../src/kvs/kvsSettings.js";
import { type SignalingPeer, SignalingRelay } from "../../src/kvs/signalingRelay.js";
import { TokenBucket } from "../../src/kvs/tokenBucket.js";

class FakePeer implements SignalingPeer {
  readonly sent: Record<string, unknown>[] = [];
  closed: { code: number; reason: string } | undefined;
  send(text: string) {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
}

const ARN = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/c/1";
const payload = Buffer.from('{"type":"offer","sdp":"v=0"}').toString("base64");
let clock = 0;
let relay: SignalingRelay;

beforeEach(() => {
  clock = 1_000_000;
  relay = new SignalingRelay({
    limits: KvsSettings.parse({ maxViewersPerChannel: 2 }),
    messageTtlSeconds: () => 5,
    now: () => clock,
  });
});

function join(role: "MASTER" | "VIEWER", clientId?: string) {
  const peer = new FakePeer();
  relay.admit(ARN, role, clientId);
  return { peer, conn: relay.attach(ARN, role, clientId, peer) };
}

describe("SignalingRelay", () => {
  it("drops messages for an absent master once the channel's MessageTtlSeconds has passed", () => {
    const v = join("VIEWER", "v1");
    relay.receive(v.conn, JSON.stringify({ action: "SDP_OFFER", messagePayload: payload }));
    clock += 4_000;
    relay.receive(v.conn, JSON.stringify({ action: "ICE_CANDIDATE", messagePayload: payload }));
    clock += 2_000; // the offer is now 6 s old, the candidate 2 s
    const m = join("MASTER");
    expect(m.peer.sent).toEqual([{ messageType: "ICE_CANDIDATE", messagePayload: payload, senderClientId: "v1" }]);
  });

  it("ignores a viewer's recipientClientId: viewers only ever reach the master", () => {
    const m = join("MASTER");
    const a = join("VIEWER", "a");
    const b = join("VIEWER", "b");
    relay.receive(a.conn, JSON.stringify({ action: "SDP_OFFER", messagePayload: payload, recipientClientId: "b" }));
    expect(b.peer.sent).toEqual([]);
    expect(m.peer.sent).toEqual([{ messageType: "SDP_OFFER", messagePayload: payload, senderClientId: "a" }]);
  });

  it("replaces a viewer that reconnects with the same client id without counting it twice", () => {
    const first = join("VIEWER", "same");
    join("VIEWER", "other");
    const second = join("VIEWER", "same");
    expect(first.peer.closed?.code).toBe(1000);
    expect(relay.viewerCount(ARN)).toBe(2);
    clock += 1_000; // past the connect rate, so only the viewer limit can refuse
    expect(() => relay.admit(ARN, "VIEWER", "third")).toThrow(/viewers/);
    relay.detach(first.conn); // the old socket's close arrives late: the new one stays
    expect(relay.viewerCount(ARN)).toBe(2);
    expect(second.conn.open).toBe(true);
  });

  it("answers malformed messages with a correlationId and ignores the rest", () => {
    const m = join("MASTER");
    for (const bad of ["not json", "[]", "42", JSON.stringify({ action: "SDP_ANSWER" })]) relay.receive(m.conn, bad);
    relay.receive(m.conn, JSON.stringify({ action: "SDP_ANSWER", messagePayload: "%%%", correlationId: "x" }));
    relay.receive(m.conn, JSON.stringify({ action: "SDP_ANSWER", messagePayload: payload, correlationId: "bad id!" }));
    expect(m.peer.sent).toEqual([
      {
        messageType: "STATUS_RESPONSE",
        statusResponse: {
          correlationId: "x",
          errorType: "InvalidArgumentException",
          statusCode: "400",
          description: expect.any(String),
        },
      },
    ]);
  });

  it("forgets channels with nobody left", () => {
    const m = join("MASTER");
    const v = join("VIEWER", "v");
    relay.detach(m.conn);
    clock += 2_000;
    relay.detach(v.conn);
    expect(relay.stats).toMatchObject({ connections: 0, channels: 0 });
  });
});

describe("TokenBucket", () => {
  it("allows a burst of one second's worth, then the sustained rate", () => {
    const b = new TokenBucket(3, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(200)).toBe(false);
    expect(b.take(340)).toBe(true);
  });
});
