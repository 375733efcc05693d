import { type CaptionChannelEvent, captionChannel } from "@babelcast/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CaptionPublishError,
  type HttpCaptionPublisher,
  httpCaptionPublisher,
  unconfiguredCaptionPublisher,
} from "../../src/aws/captionPublisher.js";
import { PUBLISH_CREDENTIALS, PUBLISH_REGION, PublishEndpoint } from "../support/publishEndpoint.js";

const REGION = PUBLISH_REGION;
const CREDENTIALS = PUBLISH_CREDENTIALS;
const CHANNEL = captionChannel("amber-harbor-482", "es");

const caption = (seq: number): CaptionChannelEvent => ({
  type: "caption",
  language: "es",
  seq,
  segmentSeq: seq,
  text: `frase número ${seq}: señal ✓`,
  sourceText: `sentence number ${seq}`,
});

let endpoint: PublishEndpoint;
let waits: number[];
const publishers: HttpCaptionPublisher[] = [];

function publisher(credentials = CREDENTIALS) {
  const made = httpCaptionPublisher({
    url: endpoint.url,
    region: REGION,
    credentials,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
  });
  publishers.push(made);
  return made;
}

beforeEach(async () => {
  endpoint = new PublishEndpoint();
  waits = [];
  await endpoint.start();
});
afterEach(async () => {
  for (const p of publishers.splice(0)) p.close();
  await endpoint.stop();
});

describe("caption publisher (HTTP, SigV4)", () => {
  it("publishes every event in order, signed for appsync, in requests of at most 5 events", async () => {
    const events = Array.from({ length: 7 }, (_, i) => caption(i + 1));
    await publisher().publish(CHANNEL, events);
    expect(endpoint.received.map((r) => r.events.length)).toEqual([5, 2]);
    expect(endpoint.received.every((r) => r.channel === CHANNEL)).toBe(true);
    expect(endpoint.received.flatMap((r) => r.events)).toEqual(events);
    expect(waits).toEqual([]);
  });

  it("is refused by the endpoint when signed with another secret (the signature check is real)", async () => {
    const wrong = { ...CREDENTIALS, secretAccessKey: "not-the-secret" };
    const err = await publisher(wrong)
      .publish(CHANNEL, [caption(1)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptionPublishError);
    expect((err as CaptionPublishError).status).toBe(403);
    expect(String(err)).toMatch(/UnauthorizedException: signature mismatch/);
    expect(endpoint.received).toEqual([]);
  });

  it("retries throttling and server errors with the protocol's backoff, then delivers", async () => {
    endpoint.scripted.push(
      { status: 429, body: JSON.stringify({ errors: [{ errorType: "TooManyRequestsException" }] }) },
      { status: 503, body: "Service Unavailable" },
    );
    await publisher().publish(CHANNEL, [caption(1)]);
    expect(endpoint.received).toHaveLength(1);
    // reconnectDelayMs(0) and (1) with random 0.5: 3/4 of 250 and of 500.
    expect(waits).toEqual([188, 375]);
  });

  it("gives up after its attempts on a server that keeps failing, naming the last answer", async () => {
    for (let i = 0; i < 4; i++) endpoint.scripted.push({ status: 500, body: "{}" });
    await expect(publisher().publish(CHANNEL, [caption(1)])).rejects.toThrow(/kept failing.*4 attempts.*HTTP 500/);
    expect(waits).toHaveLength(3);
  });

  it("does not retry a request the API rejects (4xx) and says why", async () => {
    endpoint.scripted.push({
      status: 400,
      body: JSON.stringify({ errors: [{ errorType: "BadRequestException", message: "Invalid channel" }] }),
    });
    await expect(publisher().publish(CHANNEL, [caption(1)])).rejects.toThrow(
      /refused the publish .*HTTP 400.*BadRequestException: Invalid channel/,
    );
    expect(waits).toEqual([]);
  });

  it("reports the events the API lists as failed", async () => {
    endpoint.scripted.push({
      status: 200,
      body: JSON.stringify({
        successful: [{ identifier: "a", index: 0 }],
        failed: [{ identifier: "b", index: 1, code: 400, message: "Event too large" }],
      }),
    });
    await expect(publisher().publish(CHANNEL, [caption(1), caption(2)])).rejects.toThrow(
      /did not take 1 of 2 event\(s\).*event 1: 400 Event too large/,
    );
  });

  it("refuses an event over the 240 KB limit before sending anything", async () => {
    const huge = { ...caption(1), text: "x".repeat(240 * 1024) };
    await expect(publisher().publish(CHANNEL, [caption(2), huge])).rejects.toThrow(/event 1 .* at most 245760/);
    expect(endpoint.received).toEqual([]);
  });
});

describe("a function the stack gives no publish URL", () => {
  it("refuses to publish and names the missing capability", async () => {
    await expect(unconfiguredCaptionPublisher().publish("/captions/amber-harbor-482/en", [])).rejects.toThrow(
      /publishCaptions/,
    );
  });
});
