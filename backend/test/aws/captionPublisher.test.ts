import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { type CaptionChannelEvent, captionChannel } from "@babelcast/protocol";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaptionPublishError, type HttpCaptionPublisher, httpCaptionPublisher } from "../../src/aws/captionPublisher.js";

const REGION = "eu-west-1";
const CREDENTIALS = { accessKeyId: "AKIDCAPTIONTEST", secretAccessKey: "caption-secret-key-for-tests" };
const CHANNEL = captionChannel("amber-harbor-482", "es");

interface Received {
  readonly channel: string;
  readonly events: readonly unknown[];
}

/**
 * An HTTP publish endpoint that checks each request's SigV4 signature the way AWS does: it signs
 * the received request again (service `appsync`, the region, the same secret) with the date the
 * client signed with, and compares. Unsigned or wrongly signed requests get 403.
 */
class PublishEndpoint {
  readonly received: Received[] = [];
  /** Answers to give before the normal one, in order (status and body). */
  readonly scripted: { status: number; body: string }[] = [];
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/aws/appsync-events/event`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
    };
    if (!(await this.signatureHolds(req, body))) {
      reply(403, { errors: [{ errorType: "UnauthorizedException", message: "signature mismatch" }] });
      return;
    }
    const next = this.scripted.shift();
    if (next) {
      reply(next.status, next.body);
      return;
    }
    const parsed = JSON.parse(body) as { channel: string; events: string[] };
    if (parsed.events.some((e) => typeof e !== "string")) {
      reply(400, { errors: [{ errorType: "BadRequestException", message: "events must be strings" }] });
      return;
    }
    this.received.push({ channel: parsed.channel, events: parsed.events.map((e) => JSON.parse(e)) });
    reply(200, { failed: [], successful: parsed.events.map((_, index) => ({ identifier: `id-${index}`, index })) });
  }

  private async signatureHolds(req: IncomingMessage, body: string): Promise<boolean> {
    const authorization = req.headers.authorization ?? "";
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
      authorization,
    );
    if (!m || m[1] !== CREDENTIALS.accessKeyId || m[3] !== REGION || m[4] !== "appsync") return false;
    const signedNames = (m[5] ?? "").split(";");
    if (!signedNames.includes("host")) return false;
    const headers: Record<string, string> = {};
    for (const name of signedNames) {
      const value = req.headers[name];
      if (typeof value !== "string") return false;
      headers[name] = value;
    }
    const amzDate = req.headers["x-amz-date"];
    if (typeof amzDate !== "string") return false;
    const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!d) return false;
    const signingDate = new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!));
    const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: "appsync", sha256: Sha256 });
    const resigned = await signer.sign(
      new HttpRequest({ method: req.method ?? "", protocol: "http:", hostname: "ignored", path: req.url ?? "", headers, body }),
      { signingDate },
    );
    return resigned.headers.authorization === authorization;
  }
}

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
