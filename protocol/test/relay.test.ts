import { describe, expect, it } from "vitest";
import { isRelayClientId, languageOfRelayMid, parseRelayCommand, relayTrackMid } from "../src/relay.js";

const grant = {
  channelArn: "arn:aws:kinesisvideo:us-east-1:123456789012:channel/babelcast-s1-0/1",
  channelEndpoint: "ws://127.0.0.1:8080/aws/kvs/viewer",
  signedUrl: "ws://127.0.0.1:8080/aws/kvs/viewer?X-Amz-ChannelARN=x",
  region: "us-east-1",
  role: "VIEWER",
  clientId: "relay-a",
  iceServers: [],
  expiresAt: 1,
};

describe("relay contracts", () => {
  it("maps a language to its m-line mid and back, and ignores other mids", () => {
    expect(relayTrackMid("es")).toBe("lang-es");
    expect(languageOfRelayMid(relayTrackMid("es"))).toBe("es");
    expect(languageOfRelayMid("0")).toBeUndefined();
    expect(languageOfRelayMid(null)).toBeUndefined();
    expect(languageOfRelayMid("lang-english")).toBeUndefined();
  });

  it("tells a relay's client id from a listener's", () => {
    expect(isRelayClientId("relay-1")).toBe(true);
    expect(isRelayClientId("l-AbC")).toBe(false);
  });

  it("accepts a start command and refuses a bad one with the field and what is wrong", () => {
    const ok = parseRelayCommand(
      JSON.stringify({ type: "start", relayId: "relay-1", upstream: grant, languages: ["en"] }),
    );
    expect(ok.ok).toBe(true);
    const bad = parseRelayCommand(JSON.stringify({ type: "start", relayId: "x", upstream: grant, languages: ["en"] }));
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/^relay command refused: relayId: must be relay-/) });
    expect(parseRelayCommand("{not json")).toEqual({ ok: false, error: expect.stringMatching(/not JSON/) });
    const twice = parseRelayCommand(
      JSON.stringify({ type: "start", relayId: "relay-1", upstream: grant, languages: ["en", "en"] }),
    );
    expect(twice).toEqual({ ok: false, error: expect.stringMatching(/languages: must name each language once/) });
    const lang = parseRelayCommand(JSON.stringify({ type: "assign", viewerId: "l-1", language: "english" }));
    expect(lang).toEqual({ ok: false, error: expect.stringMatching(/language: must be a two-letter/) });
  });
});
