import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { SigV4Verifier } from "../../src/auth/sigv4Verifier.js";
import { TemporaryCredentialIssuer } from "../../src/auth/temporaryCredentials.js";

const longTerm = { accessKeyId: "AKIDLONGTERM", secretAccessKey: "long-term-secret" };
let clock = Date.UTC(2026, 10, 27, 12);
const now = () => clock;
const issuer = new TemporaryCredentialIssuer(15 * 60_000, now);
const verifier = new SigV4Verifier({
  credentials: longTerm,
  acceptStaticCredentials: false,
  resolveCredentials: (id) => issuer.resolve(id),
  region: "us-east-1",
  service: "transcribe",
  now,
});

async function presignedUpgrade(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const signer = new SignatureV4({ credentials, region: "us-east-1", service: "transcribe", sha256: Sha256 });
  const signed = await signer.presign(
    new HttpRequest({
      method: "GET",
      protocol: "ws:",
      hostname: "127.0.0.1",
      port: 4000,
      path: "/aws/transcribe/stream-transcription-websocket",
      query: { "language-code": "en-US", "media-encoding": "pcm", "sample-rate": "16000" },
      headers: { host: "127.0.0.1:4000" },
    }),
    { expiresIn: 60, signingDate: new Date(clock) },
  );
  const rawQuery = new URLSearchParams(signed.query as Record<string, string>).toString();
  return verifier.verifyPresigned({ method: "GET", path: signed.path, rawQuery, headers: { host: "127.0.0.1:4000" } });
}

describe("temporary credentials on the Transcribe endpoint", () => {
  it("accepts a URL presigned with issued credentials and their session token", async () => {
    const issued = issuer.issue();
    expect(await presignedUpgrade(issued)).toMatchObject({ ok: true, accessKeyId: issued.accessKeyId });
  });

  it("refuses the issued key with another session token", async () => {
    const issued = issuer.issue();
    expect(await presignedUpgrade({ ...issued, sessionToken: "someone-elses" })).toMatchObject({
      ok: false,
      code: "UnrecognizedClientException",
    });
  });

  it("refuses the long-term key when only temporary credentials are accepted", async () => {
    expect(await presignedUpgrade(longTerm)).toMatchObject({ ok: false, code: "UnrecognizedClientException" });
  });

  it("refuses issued credentials once they expire", async () => {
    const issued = issuer.issue();
    clock += 16 * 60_000;
    expect(await presignedUpgrade(issued)).toMatchObject({ ok: false, code: "UnrecognizedClientException" });
  });
});
