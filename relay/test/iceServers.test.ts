import { describe, expect, it } from "vitest";
import { toRtcIceServers } from "../src/iceServers.js";

describe("toRtcIceServers", () => {
  it("keeps STUN and UDP TURN with their credentials, and leaves out TURN over TCP and TLS (libjuice cannot use them)", () => {
    const out = toRtcIceServers([
      { urls: "stun:stun.kinesisvideo.us-east-1.amazonaws.com:443" },
      {
        urls: [
          "turn:1-2-3-4.kinesisvideo.us-east-1.amazonaws.com:443?transport=udp",
          "turns:1-2-3-4.kinesisvideo.us-east-1.amazonaws.com:443?transport=udp",
          "turns:1-2-3-4.kinesisvideo.us-east-1.amazonaws.com:443?transport=tcp",
          "turn:127.0.0.1:3478?transport=tcp",
        ],
        username: "1700000000:dXNlcg==",
        credential: "secret",
      },
    ]);
    expect(out).toEqual([
      { hostname: "stun.kinesisvideo.us-east-1.amazonaws.com", port: 443 },
      {
        hostname: "1-2-3-4.kinesisvideo.us-east-1.amazonaws.com",
        port: 443,
        relayType: "TurnUdp",
        username: "1700000000:dXNlcg==",
        password: "secret",
      },
    ]);
  });

  it("skips what it cannot read instead of failing the relay", () => {
    expect(toRtcIceServers([{ urls: ["http://example.invalid", "turn:"] }])).toEqual([]);
  });
});
