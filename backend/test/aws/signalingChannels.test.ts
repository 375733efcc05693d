import { GetSignalingChannelEndpointCommand } from "@aws-sdk/client-kinesis-video";
import { GetIceServerConfigCommand } from "@aws-sdk/client-kinesis-video-signaling";
import { describe, expect, it } from "vitest";
import { kvsSignalingChannels, type SignalingClients } from "../../src/aws/signalingChannels.js";

/** KVS as the SDK sees it, counting each call by its command name. */
function countingKvs() {
  const calls: Record<string, number> = {};
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const clients = {
    kinesisVideo: {
      async send(command: unknown) {
        count((command as object).constructor.name);
        if (!(command instanceof GetSignalingChannelEndpointCommand)) throw new Error("unexpected command");
        return {
          ResourceEndpointList: [
            { Protocol: "WSS", ResourceEndpoint: "wss://m-1.kinesisvideo.us-east-1.amazonaws.com" },
            { Protocol: "HTTPS", ResourceEndpoint: "https://r-1.kinesisvideo.us-east-1.amazonaws.com" },
          ],
        };
      },
    },
    signaling: () => ({
      async send(command: unknown) {
        count((command as object).constructor.name);
        if (!(command instanceof GetIceServerConfigCommand)) throw new Error("unexpected command");
        return {
          IceServerList: [{ Uris: ["turn:1.2.3.4:443?transport=udp"], Username: "u", Password: "p", Ttl: 300 }],
        };
      },
    }),
    credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
  } as unknown as SignalingClients;
  return { clients, calls };
}

const arns = Array.from(
  { length: 100 },
  (_, i) => `arn:aws:kinesisvideo:us-east-1:123456789012:channel/babelcast-s-${i}/1700000000000`,
);

describe("master grants for a reconnecting console", () => {
  it("asks KVS for ICE servers once for the whole pool, not once per channel", async () => {
    const { clients, calls } = countingKvs();
    const channels = kvsSignalingChannels(clients, {
      region: "us-east-1",
      viewerUrlExpirySeconds: 299,
      masterUrlExpirySeconds: 3600,
    });
    const grants = await channels.grantMasters(arns);
    expect(calls.GetIceServerConfigCommand).toBe(1);
    expect(calls.GetSignalingChannelEndpointCommand).toBe(arns.length);
    expect(grants.map((g) => g.channelArn)).toEqual(arns);
    for (const g of grants) {
      expect(g.role).toBe("MASTER");
      expect(new URL(g.signedUrl).searchParams.get("X-Amz-ChannelARN")).toBe(g.channelArn);
      expect(g.iceServers.some((s) => String(s.urls).startsWith("turn:"))).toBe(true);
    }
  });

  it("reuses channel endpoints it has resolved when the same console reconnects again", async () => {
    const { clients, calls } = countingKvs();
    const channels = kvsSignalingChannels(clients, {
      region: "us-east-1",
      viewerUrlExpirySeconds: 299,
      masterUrlExpirySeconds: 3600,
    });
    await channels.grantMasters(arns);
    await channels.grantMasters(arns);
    expect(calls.GetSignalingChannelEndpointCommand).toBe(arns.length);
    expect(calls.GetIceServerConfigCommand).toBe(2);
  });

  it("grants nothing for an empty pool without calling KVS", async () => {
    const { clients, calls } = countingKvs();
    const channels = kvsSignalingChannels(clients, {
      region: "us-east-1",
      viewerUrlExpirySeconds: 299,
      masterUrlExpirySeconds: 3600,
    });
    expect(await channels.grantMasters([])).toEqual([]);
    expect(calls).toEqual({});
  });
});
