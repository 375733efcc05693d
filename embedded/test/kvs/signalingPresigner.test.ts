import { presignSignalingUrl } from "@babelcast/backend/aws/signalingPresigner.js";
import { SigV4RequestSigner } from "amazon-kinesis-video-streams-webrtc";
import { describe, expect, it } from "vitest";
import { SigV4Verifier } from "../../src/auth/sigv4Verifier.js";

const credentials = { accessKeyId: "AKIDPRESIGN", secretAccessKey: "presign-secret" };
const arn = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/talk/1700000000000";
const date = new Date("2026-11-27T12:00:00Z");

function parts(url: string) {
  const u = new URL(url);
  return { path: u.pathname, rawQuery: u.search.slice(1), host: u.host };
}

describe("presignSignalingUrl", () => {
  it("produces exactly the URL the SDK's SigV4RequestSigner produces for AWS (wss://)", async () => {
    const endpoint = "wss://v-1234abcd.kinesisvideo.us-east-1.amazonaws.com";
    for (const creds of [credentials, { ...credentials, sessionToken: "token/with+chars=" }]) {
      const ours = await presignSignalingUrl({
        endpoint,
        channelArn: arn,
        role: "VIEWER",
        clientId: "viewer-1",
        credentials: creds,
        region: "us-east-1",
        expiresSeconds: 299,
        signingDate: date,
      });
      const sdk = await new SigV4RequestSigner("us-east-1", creds).getSignedURL(
        `${endpoint}/`,
        { "X-Amz-ChannelARN": arn, "X-Amz-ClientId": "viewer-1" },
        date,
      );
      expect(new URL(ours).searchParams.get("X-Amz-Signature")).toBe(new URL(sdk).searchParams.get("X-Amz-Signature"));
      expect([...new URL(ours).searchParams].sort()).toEqual([...new URL(sdk).searchParams].sort());
    }
  });

  it("presigns ws:// master and viewer URLs the embedded server's verifier accepts", async () => {
    const verifier = new SigV4Verifier({ credentials, region: "us-east-1", service: "kinesisvideo" });
    for (const [role, path, clientId] of [
      ["MASTER", "/aws/kvs-signaling/master", undefined],
      ["VIEWER", "/aws/kvs-signaling/viewer", "v-9"],
    ] as const) {
      const url = await presignSignalingUrl({
        endpoint: `ws://192.168.1.20:8787${path}`,
        channelArn: arn,
        role,
        ...(clientId ? { clientId } : {}),
        credentials,
        region: "us-east-1",
        expiresSeconds: 60,
      });
      const p = parts(url);
      expect(p.path).toBe(path);
      const q = new URL(url).searchParams;
      expect(q.get("X-Amz-ChannelARN")).toBe(arn);
      expect(q.get("X-Amz-ClientId")).toBe(clientId ?? null);
      expect(q.get("X-Amz-SignedHeaders")).toBe("host");
      expect(q.get("X-Amz-Expires")).toBe("60");
      const verdict = await verifier.verifyPresigned({
        method: "GET",
        path: p.path,
        rawQuery: p.rawQuery,
        headers: { host: p.host },
      });
      expect(verdict.ok).toBe(true);
      // Another host (the URL replayed elsewhere) no longer matches the signature.
      const elsewhere = await verifier.verifyPresigned({
        method: "GET",
        path: p.path,
        rawQuery: p.rawQuery,
        headers: { host: "192.168.1.21:8787" },
      });
      expect(elsewhere.ok).toBe(false);
    }
  });

  it("refuses role and endpoint mistakes before signing", async () => {
    const base = { channelArn: arn, credentials, region: "us-east-1", expiresSeconds: 60 };
    await expect(
      presignSignalingUrl({ ...base, endpoint: "https://x.example/", role: "VIEWER", clientId: "a" }),
    ).rejects.toThrow(/wss:\/\//);
    await expect(presignSignalingUrl({ ...base, endpoint: "wss://x.example/", role: "VIEWER" })).rejects.toThrow(
      /clientId/,
    );
    await expect(
      presignSignalingUrl({ ...base, endpoint: "wss://x.example/", role: "MASTER", clientId: "a" }),
    ).rejects.toThrow(/MASTER/);
  });
});
