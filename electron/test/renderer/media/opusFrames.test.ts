import { describe, expect, it } from "vitest";
import { withPacketTime } from "../../../src/renderer/media/opusFrames.js";

const offer = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "a=mid:0",
  "a=rtpmap:111 opus/48000/2",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
  "a=mid:1",
  "",
].join("\r\n");

describe("asking for 10 ms Opus frames", () => {
  it("adds a=ptime:10 to each audio section only, keeping CRLF line ends and the final CRLF", () => {
    const out = withPacketTime(offer, 10);
    const lines = out.split("\r\n");
    expect(lines.indexOf("a=ptime:10")).toBe(lines.indexOf("a=fmtp:111 minptime=10;useinbandfec=1") + 1);
    expect(lines.filter((l) => l.startsWith("a=ptime")).length).toBe(1);
    expect(out.endsWith("a=mid:1\r\n")).toBe(true);
    expect(out.includes("\n") && !out.replace(/\r\n/g, "").includes("\n")).toBe(true);
  });

  it("adds it to an audio section that ends the SDP, and to every audio section", () => {
    const two = `${offer.replace(/m=application[\s\S]*$/, "")}m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:2\r\n`;
    const lines = withPacketTime(two, 10).split("\r\n");
    expect(lines.filter((l) => l === "a=ptime:10").length).toBe(2);
    expect(lines.at(-2)).toBe("a=ptime:10");
    expect(lines.at(-1)).toBe("");
  });

  it("leaves a section that already states its packet time as it is", () => {
    const stated = offer.replace("a=mid:0", "a=mid:0\r\na=ptime:20");
    expect(withPacketTime(stated, 10)).toBe(stated);
  });
});
