import { describe, expect, it } from "vitest";
import { peerPortRange } from "../src/peerPortRange.js";

describe("peerPortRange", () => {
  it("gives no range when neither variable is set, so libdatachannel picks its ports as on a LAN", () => {
    expect(peerPortRange({})).toEqual({});
  });

  it("gives libdatachannel's portRangeBegin/End from the two variables", () => {
    expect(peerPortRange({ BABELCAST_RELAY_PORT_BEGIN: "50000", BABELCAST_RELAY_PORT_END: "50999" })).toEqual({
      portRangeBegin: 50000,
      portRangeEnd: 50999,
    });
  });

  it("refuses half a range, a reversed range, privileged ports and text that is not a port", () => {
    expect(() => peerPortRange({ BABELCAST_RELAY_PORT_BEGIN: "50000" })).toThrow(/both/);
    expect(() => peerPortRange({ BABELCAST_RELAY_PORT_BEGIN: "50010", BABELCAST_RELAY_PORT_END: "50000" })).toThrow(
      /above/,
    );
    expect(() => peerPortRange({ BABELCAST_RELAY_PORT_BEGIN: "80", BABELCAST_RELAY_PORT_END: "90" })).toThrow(
      /1024 to 65535/,
    );
    expect(() => peerPortRange({ BABELCAST_RELAY_PORT_BEGIN: "5e4", BABELCAST_RELAY_PORT_END: "50001" })).toThrow(
      /UDP port/,
    );
    expect(() => peerPortRange({ BABELCAST_RELAY_PORT_BEGIN: "50000", BABELCAST_RELAY_PORT_END: "70000" })).toThrow(
      /UDP port/,
    );
  });
});

describe("a peer connection given the range (node-datachannel 0.33.4)", () => {
  it("offers host candidates on ports inside the range only, which is what the security group opens", async () => {
    const { default: nodeDataChannel } = await import("node-datachannel");
    const range = peerPortRange({ BABELCAST_RELAY_PORT_BEGIN: "51000", BABELCAST_RELAY_PORT_END: "51009" });
    const pc = new nodeDataChannel.PeerConnection("range-check", {
      iceServers: [],
      bindAddress: "127.0.0.1",
      ...range,
    });
    try {
      const gathered = new Promise<void>((resolve) => {
        pc.onGatheringStateChange((state) => {
          if (state === "complete") resolve();
        });
      });
      pc.createDataChannel("probe");
      await gathered;
      // Every candidate gathered is in the local description once gathering completes:
      // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
      const sdp = pc.localDescription()?.sdp ?? "";
      const ports = [...sdp.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ \S+ (\d+) typ/gm)].map((m) => Number(m[1]));
      expect(ports.length).toBeGreaterThan(0);
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(51000);
        expect(port).toBeLessThanOrEqual(51009);
      }
    } finally {
      pc.close();
    }
  });
});
