import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callersFor } from "../../src/auth/callerDirectory.js";
import type { ResolvedCredentials } from "../../src/auth/sigv4Verifier.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { createS3Service, type S3Service } from "../../src/s3/s3Service.js";

const BUCKET = "test-recordings";
const KEY = "recordings/amber-harbor-482/es-20261206T190000Z.webm";
const BODY = new Uint8Array(Buffer.from("pretend this is a WebM file"));

let dataDir: string;
let server: RunningEmbeddedServer;
let s3Service: S3Service;
/** The owner's HTTP function's role: may put and get `recordings/*` and list that prefix only. */
let ownerFunction: ResolvedCredentials;

function client(credentials: ResolvedCredentials): S3Client {
  return new S3Client({
    endpoint: `${server.url}${PATHS.s3}`,
    forcePathStyle: true,
    region: server.context.region,
    credentials,
    maxAttempts: 1,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** A presigned PUT as the backend makes it: content type and length signed. */
function presignPut(
  key: string,
  options: { contentType?: string; bytes?: number; signingDate?: Date; expiresIn?: number } = {},
) {
  return getSignedUrl(
    client(ownerFunction),
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      ContentType: options.contentType ?? "audio/webm",
      ContentLength: options.bytes ?? BODY.length,
    }),
    {
      expiresIn: options.expiresIn ?? 600,
      signableHeaders: new Set(["content-type", "content-length"]),
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
    },
  );
}

/** The S3 error code of an XML error body. */
async function errorCode(res: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "babelcast-s3-"));
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    settings: { recordings: { bucket: BUCKET, expireDays: 30 } },
    services: [
      (ctx) => {
        s3Service = createS3Service(ctx);
        return s3Service;
      },
    ],
  });
  ownerFunction = callersFor(server.context).functionCredentials("OwnerHttpFunction");
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("embedded S3: presigned URLs", () => {
  it("stores a PUT through a valid presigned URL and serves it back through a presigned GET", async () => {
    const put = await fetch(await presignPut(KEY), {
      method: "PUT",
      headers: { "content-type": "audio/webm" },
      body: BODY,
    });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(put.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    const getUrl = await getSignedUrl(client(ownerFunction), new GetObjectCommand({ Bucket: BUCKET, Key: KEY }), {
      expiresIn: 300,
    });
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("audio/webm");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(BODY);
  });

  it("refuses a presigned URL whose key was changed with SignatureDoesNotMatch and stores nothing", async () => {
    const url = (await presignPut(KEY)).replace("es-2026", "fr-2026");
    const res = await fetch(url, { method: "PUT", headers: { "content-type": "audio/webm" }, body: BODY });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("SignatureDoesNotMatch");
    const listed = await client(ownerFunction).send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "recordings/amber-harbor-482/fr" }),
    );
    expect(listed.KeyCount).toBe(0);
  });

  it("refuses a PUT with another content type, another length or no content type (all signed)", async () => {
    const url = await presignPut(KEY);
    const otherType = await fetch(url, { method: "PUT", headers: { "content-type": "audio/ogg" }, body: BODY });
    expect([otherType.status, await errorCode(otherType)]).toEqual([403, "SignatureDoesNotMatch"]);
    const longer = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "audio/webm" },
      body: new Uint8Array([...BODY, 0]),
    });
    expect([longer.status, await errorCode(longer)]).toEqual([403, "SignatureDoesNotMatch"]);
    const untyped = await fetch(url, { method: "PUT", body: BODY });
    expect([untyped.status, await errorCode(untyped)]).toEqual([403, "SignatureDoesNotMatch"]);
  });

  it("refuses a PUT URL used with another method", async () => {
    const res = await fetch(await presignPut(KEY), { method: "GET" });
    expect([res.status, await errorCode(res)]).toEqual([403, "SignatureDoesNotMatch"]);
  });

  it("refuses an expired presigned URL with AccessDenied (Request has expired)", async () => {
    const url = await presignPut(KEY, { signingDate: new Date(Date.now() - 120_000), expiresIn: 60 });
    const res = await fetch(url, { method: "PUT", headers: { "content-type": "audio/webm" }, body: BODY });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain("<Code>AccessDenied</Code>");
    expect(text).toContain("Request has expired");
  });

  it("refuses a URL signed with an unknown key as InvalidAccessKeyId", async () => {
    const url = (await presignPut(KEY)).replace(ownerFunction.accessKeyId, "ASIANOBODY0000000000");
    const res = await fetch(url, { method: "PUT", headers: { "content-type": "audio/webm" }, body: BODY });
    expect([res.status, await errorCode(res)]).toEqual([403, "InvalidAccessKeyId"]);
  });

  it("answers a malformed percent-escape in the key with InvalidURI", async () => {
    const res = await fetch(`${server.url}${PATHS.s3}/${BUCKET}/recordings/%E0%A4%A`);
    expect([res.status, await errorCode(res)]).toEqual([400, "InvalidURI"]);
  });

  it("refuses an unsigned request with AccessDenied (the bucket is private)", async () => {
    const res = await fetch(`${server.url}${PATHS.s3}/${BUCKET}/${KEY}`);
    expect([res.status, await errorCode(res)]).toEqual([403, "AccessDenied"]);
  });
});

describe("embedded S3: the owner function's role", () => {
  it("may not write outside recordings/ even with a valid signature", async () => {
    const res = await fetch(await presignPut("elsewhere/x.webm"), {
      method: "PUT",
      headers: { "content-type": "audio/webm" },
      body: BODY,
    });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain("<Code>AccessDenied</Code>");
    expect(text).toContain("s3:PutObject");
  });

  it("lists recordings/ but not the whole bucket", async () => {
    const s3 = client(ownerFunction);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "recordings/" }));
    expect(listed.Contents?.map((o) => o.Key)).toContain(KEY);
    await expect(s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: "AccessDenied" });
  });

  it("answers a bucket that does not exist with NoSuchBucket", async () => {
    await expect(
      client(ownerFunction).send(new ListObjectsV2Command({ Bucket: "no-such-bucket", Prefix: "recordings/" })),
    ).rejects.toMatchObject({ name: "NoSuchBucket" });
  });
});

describe("embedded S3: the bucket's CORS rule", () => {
  it("answers a preflight from the console's origin for PUT with content-type and refuses any other origin", async () => {
    const preflight = (origin: string, method = "PUT") =>
      fetch(`${server.url}${PATHS.s3}/${BUCKET}/${KEY}`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" },
      });
    const ok = await preflight("babelcast://console");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("babelcast://console");
    const consolePage = await preflight(new URL(server.url).origin);
    expect(consolePage.status).toBe(200);
    const stranger = await preflight("https://evil.example");
    expect([stranger.status, await errorCode(stranger)]).toEqual([403, "AccessForbidden"]);
    const deleting = await preflight("babelcast://console", "DELETE");
    expect(deleting.status).toBe(403);
  });
});

describe("embedded S3: the lifecycle rule", () => {
  it("deletes recordings older than the rule's days (to the next UTC midnight) and keeps newer ones", async () => {
    const fresh = "recordings/amber-harbor-482/fr-20261206T190000Z.webm";
    const put = await fetch(await presignPut(fresh), {
      method: "PUT",
      headers: { "content-type": "audio/webm" },
      body: BODY,
    });
    expect(put.status).toBe(200);
    expect(await s3Service.expireNow(Date.now() + 29 * 86_400_000)).toEqual([]);
    const expired = await s3Service.expireNow(Date.now() + 31 * 86_400_000);
    expect(expired.sort()).toEqual([KEY, fresh].sort());
    const listed = await client(ownerFunction).send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "recordings/" }),
    );
    expect(listed.KeyCount).toBe(0);
  });
});
