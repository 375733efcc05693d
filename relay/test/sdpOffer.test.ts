import { describe, expect, it } from "vitest";
import { readAudioOffer, toBrowserCandidate } from "../src/sdpOffer.js";

const chromeOffer = [
  "v=0",
  "o=- 46117317 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=recvonly",
  "a=rtpmap:111 opus/48000/2",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=rtpmap:63 red/48000/2",
  "",
].join("\r\n");

describe("readAudioOffer", () => {
  it("finds the audio mid and the Opus payload type of a browser's offer", () => {
    expect(readAudioOffer(chromeOffer)).toEqual({ mid: "0", opusPayloadType: 111 });
    expect(readAudioOffer(chromeOffer.replaceAll("111", "109"))).toEqual({ mid: "0", opusPayloadType: 109 });
  });

  it("says what is missing when the offer cannot be relayed", () => {
    expect(readAudioOffer("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n")).toMatch(/no audio section/);
    expect(readAudioOffer(chromeOffer.replace("a=mid:0\r\n", ""))).toMatch(/no a=mid/);
    expect(readAudioOffer(chromeOffer.replace("opus/48000/2", "PCMU/8000"))).toMatch(/no Opus/);
  });
});

describe("toBrowserCandidate", () => {
  it("drops libdatachannel's a= prefix and leaves a browser candidate as it is", () => {
    expect(toBrowserCandidate("a=candidate:1 1 UDP 2114977791 127.0.0.1 55370 typ host")).toBe(
      "candidate:1 1 UDP 2114977791 127.0.0.1 55370 typ host",
    );
    expect(toBrowserCandidate("candidate:1 1 udp 1 127.0.0.1 9 typ host")).toBe(
      "candidate:1 1 udp 1 127.0.0.1 9 typ host",
    );
  });
});
