import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@aws-crypto/sha256-js";
import { TranslateClient, TranslateTextCommand } from "@aws-sdk/client-translate";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SigV4Verdict, SigV4Verifier } from "../../src/auth/sigv4Verifier.js";

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret-for-tests" };
const verifier = new SigV4Verifier({ credentials, region: "us-east-1", service: "translate" });

let server: Server;
let url: string;
const verdicts: SigV4Verdict[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const [path = "/", rawQuery = ""] = (req.url ?? "/").split("?");
      const verdict = await verifier.verifyHeader({
        method: req.method ?? "GET",
        path,
        rawQuery,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      verdicts.push(verdict);
      if (!verdict.ok) {
        res.writeHead(verdict.status, {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-errortype": verdict.code,
        });
        res.end(JSON.stringify({ __type: verdict.code, message: verdict.message }));
        return;
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ TranslatedText: "hola", SourceLanguageCode: "en", TargetLanguageCode: "es" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/aws/translate`;
});
afterAll(() => {
  server.close();
});

function client(secretAccessKey: string, region = "us-east-1") {
  return new TranslateClient({
    endpoint: url,
    region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}
const command = new TranslateTextCommand({ Text: "hello", SourceLanguageCode: "en", TargetLanguageCode: "es" });

describe("SigV4 verification of header-signed requests", () => {
  it("accepts a request the real SDK signed with the right secret", async () => {
    const out = await client(credentials.secretAccessKey).send(command);
    expect(out.TranslatedText).toBe("hola");
    expect(verdicts.at(-1)?.ok).toBe(true);
  });

  it("refuses a wrong secret as AWS does", async () => {
    await expect(client("wrong").send(command)).rejects.toMatchObject({ name: "InvalidSignatureException" });
  });

  it("refuses a credential scoped to another region", async () => {
    await expect(client(credentials.secretAccessKey, "eu-west-1").send(command)).rejects.toThrow(/valid region/);
  });

  it("refuses an unsigned request", async () => {
    const res = await fetch(url, { method: "POST", body: "{}" });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
  });
});

describe("SigV4 verification of presigned URLs", () => {
  const kvs = new SigV4Verifier({ credentials, region: "us-east-1", service: "kinesisvideo", now: () => now });
  const signer = new SignatureV4({ credentials, region: "us-east-1", service: "kinesisvideo", sha256: Sha256 });
  let now = Date.now();

  async function presign(query: Record<string, string>, expiresIn = 300) {
    const request = new HttpRequest({
      method: "GET",
      protocol: "ws:",
      hostname: "127.0.0.1",
      port: 9000,
      path: "/aws/kvs-signaling/viewer",
      query,
      headers: { host: "127.0.0.1:9000" },
    });
    const signed = await signer.presign(request, { expiresIn, signingDate: new Date(now) });
    return new URLSearchParams(signed.query as Record<string, string>).toString();
  }
  const parts = (rawQuery: string) => ({
    method: "GET",
    path: "/aws/kvs-signaling/viewer",
    rawQuery,
    headers: { host: "127.0.0.1:9000" },
  });

  it("accepts a valid presigned URL and refuses it once tampered or expired", async () => {
    now = Date.now();
    const query = await presign({
      "X-Amz-ChannelARN": "arn:aws:kinesisvideo:us-east-1:000000000000:channel/a/1",
      "X-Amz-ClientId": "v1",
    });
    expect((await kvs.verifyPresigned(parts(query))).ok).toBe(true);
    expect(await kvs.verifyPresigned(parts(query.replace("v1", "v2")))).toMatchObject({ ok: false, status: 403 });
    now += 301_000;
    expect(await kvs.verifyPresigned(parts(query))).toMatchObject({ ok: false, message: "Signature expired." });
  });

  it("refuses a URL without a signature", async () => {
    expect(await kvs.verifyPresigned(parts("X-Amz-ChannelARN=x"))).toMatchObject({
      code: "MissingAuthenticationTokenException",
    });
  });
});
