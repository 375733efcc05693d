import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export const PUBLISH_REGION = "eu-west-1";
export const PUBLISH_CREDENTIALS = { accessKeyId: "AKIDCAPTIONTEST", secretAccessKey: "caption-secret-key-for-tests" };

export interface Received {
  readonly channel: string;
  readonly events: readonly unknown[];
}

/**
 * An HTTP publish endpoint that checks each request's SigV4 signature the way AWS does: it signs
 * the received request again (service `appsync`, the region, the same secret) with the date the
 * client signed with, and compares. Unsigned or wrongly signed requests get 403.
 */
export class PublishEndpoint {
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
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
        authorization,
      );
    if (!m || m[1] !== PUBLISH_CREDENTIALS.accessKeyId || m[3] !== PUBLISH_REGION || m[4] !== "appsync") return false;
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
    const signer = new SignatureV4({
      credentials: PUBLISH_CREDENTIALS,
      region: PUBLISH_REGION,
      service: "appsync",
      sha256: Sha256,
    });
    const resigned = await signer.sign(
      new HttpRequest({
        method: req.method ?? "",
        protocol: "http:",
        hostname: "ignored",
        path: req.url ?? "",
        headers,
        body,
      }),
      { signingDate },
    );
    return resigned.headers.authorization === authorization;
  }
}
