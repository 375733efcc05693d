import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { PolicyResource } from "@babelcast/backend/permissions/permissionTable.js";
import { ELECTRON_CONSOLE_ORIGIN, MAX_RECORDING_BYTES, PATHS, RECORDINGS_PREFIX } from "@babelcast/protocol";
import { callersFor } from "../auth/callerDirectory.js";
import { type SigV4Failure, SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { underPrefix } from "../underPrefix.js";
import { expiredObjects } from "./lifecycleExpiry.js";
import { BucketFolder } from "./objectStore.js";
import { applyRequestCors, type BucketCors, evaluatePreflight } from "./s3Cors.js";
import { accessDenied, requestExpired, S3Error, sendS3Error, signatureDoesNotMatch, xmlText } from "./s3Errors.js";
import { RECORDINGS_SETTINGS_SECTION, RecordingsSettings } from "./s3Settings.js";

/**
 * Amazon S3, emulated for the recordings bucket: path-style PutObject, GetObject (and HEAD)
 * and ListObjectsV2 under `PATHS.s3`, authenticated by SigV4 in the header or a presigned URL
 * (query authentication) and authorized by the caller's role, with S3's XML errors, the
 * bucket's CORS rule and its lifecycle expiration. Objects live in `D/s3/<bucket>/`.
 */

/** S3's longest presigned URL: 7 days (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html). */
const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;
/** ListObjectsV2 returns at most 1,000 keys a page (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). */
const MAX_KEYS = 1000;
/** The lifecycle rule is applied on start and then every hour (S3 itself runs it about once a day). */
const LIFECYCLE_INTERVAL_MS = 3_600_000;
const DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export interface S3Service extends EmbeddedService {
  readonly settings: RecordingsSettings;
  /** Applies the lifecycle rule now; resolves with the keys it deleted. */
  expireNow(now?: number): Promise<string[]>;
}

/** Which operation a request is, and what it needs of the caller's policy. */
interface S3Call {
  readonly operation: "PutObject" | "GetObject" | "HeadObject" | "ListObjectsV2";
  readonly action: string;
  readonly resource: PolicyResource | undefined;
  readonly arn: string;
}

function classify(method: string, bucket: string, key: string | undefined, query: URLSearchParams): S3Call {
  if (key === undefined) {
    if (method !== "GET") throw methodNotAllowed();
    if (query.get("list-type") !== "2") {
      throw new S3Error("NotImplemented", 501, "Only ListObjectsV2 (list-type=2) is emulated on a bucket.");
    }
    // The stack grants ListBucket with the condition s3:prefix like "recordings/*".
    const prefix = query.get("prefix") ?? "";
    return {
      operation: "ListObjectsV2",
      action: "s3:ListBucket",
      resource: prefix.startsWith(RECORDINGS_PREFIX) ? "recordingsBucket" : undefined,
      arn: `arn:aws:s3:::${bucket}`,
    };
  }
  const resource: PolicyResource | undefined = key.startsWith(RECORDINGS_PREFIX) ? "recordingObjects" : undefined;
  const arn = `arn:aws:s3:::${bucket}/${key}`;
  if (method === "PUT") return { operation: "PutObject", action: "s3:PutObject", resource, arn };
  // HeadObject is authorized as s3:GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
  if (method === "GET") return { operation: "GetObject", action: "s3:GetObject", resource, arn };
  if (method === "HEAD") return { operation: "HeadObject", action: "s3:GetObject", resource, arn };
  throw methodNotAllowed();
}

function methodNotAllowed(): S3Error {
  return new S3Error("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");
}

/** S3's answer to a failed SigV4 check, by what failed (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
function s3AuthError(verdict: SigV4Failure, presigned: boolean): S3Error {
  switch (verdict.code) {
    case "MissingAuthenticationTokenException":
      return accessDenied();
    case "UnrecognizedClientException":
      return new S3Error(
        "InvalidAccessKeyId",
        403,
        "The AWS Access Key Id you provided does not exist in our records.",
      );
    case "InvalidSignatureException":
      if (/scoped|X-Amz-Expires|Malformed|Unsupported/.test(verdict.message)) {
        return presigned
          ? new S3Error("AuthorizationQueryParametersError", 400, verdict.message)
          : new S3Error("AuthorizationHeaderMalformed", 400, verdict.message);
      }
      if (/too far/.test(verdict.message)) {
        return new S3Error(
          "RequestTimeTooSkewed",
          403,
          "The difference between the request time and the current time is too large.",
        );
      }
      return signatureDoesNotMatch();
  }
}

/** A percent-encoded bucket or key; a malformed escape is S3's `400 InvalidURI`. */
function decodePathPart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error("InvalidURI", 400, "Couldn't parse the specified URI.");
  }
}

function parseAmzDate(value: string | null): number | undefined {
  const m = DATE_RE.exec(value ?? "");
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

/**
 * A presigned URL's expiry, checked before its signature as S3 does: more than 7 days is a
 * malformed query, past its time is "Request has expired"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
 */
function checkPresignedExpiry(query: URLSearchParams, now: number): void {
  const expires = Number(query.get("X-Amz-Expires"));
  const date = parseAmzDate(query.get("X-Amz-Date"));
  if (!Number.isInteger(expires) || expires < 1 || date === undefined) return; // the signature check names it
  if (expires > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw new S3Error(
      "AuthorizationQueryParametersError",
      400,
      "X-Amz-Expires must be less than a week (in seconds) that is 604800",
    );
  }
  if (now > date + expires * 1000) throw requestExpired();
}

function listXml(
  bucket: string,
  prefix: string,
  keys: readonly { key: string; bytes: number; lastModified: number; etag: string }[],
  truncated: boolean,
  nextToken: string | undefined,
  maxKeys: number,
): string {
  const contents = keys
    .map(
      (o) =>
        `<Contents><Key>${xmlText(o.key)}</Key><LastModified>${new Date(o.lastModified).toISOString()}</LastModified>` +
        `<ETag>${xmlText(o.etag)}</ETag><Size>${o.bytes}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xmlText(bucket)}</Name><Prefix>${xmlText(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount>` +
    `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
    (nextToken ? `<NextContinuationToken>${xmlText(nextToken)}</NextContinuationToken>` : "") +
    `${contents}</ListBucketResult>`
  );
}

export function createS3Service(ctx: EmbeddedContext): S3Service {
  const settings = settingsSection(ctx.settings, RECORDINGS_SETTINGS_SECTION, RecordingsSettings);
  const folder = settings.bucket ? new BucketFolder(join(ctx.dataDir, "s3", settings.bucket)) : undefined;
  const callers = callersFor(ctx);
  const verifier = new SigV4Verifier({
    credentials: ctx.credentials,
    region: ctx.region,
    service: "s3",
    resolveCredentials: (id) => callers.resolve(id),
    uriEscapePath: false,
    presignedPayloadHash: "UNSIGNED-PAYLOAD",
  });
  // The console's origins: its page on this server (LAN address, loopback, and loopback by name)
  // and the desktop app's scheme.
  const localhost = new URL(ctx.loopbackUrl);
  localhost.hostname = "localhost";
  const cors: BucketCors = {
    allowedOrigins: [
      ...new Set([new URL(ctx.loopbackUrl).origin, new URL(ctx.url).origin, localhost.origin, ELECTRON_CONSOLE_ORIGIN]),
    ],
  };

  const expireNow = async (now = Date.now()) => {
    if (!folder) return [];
    const expired = expiredObjects(await folder.list(), { prefix: RECORDINGS_PREFIX, days: settings.expireDays }, now);
    for (const o of expired) await folder.delete(o.key);
    if (expired.length > 0) ctx.log.info("recordings expired by the lifecycle rule", { count: expired.length });
    return expired.map((o) => o.key);
  };
  const runLifecycle = () =>
    void expireNow().catch((err) => ctx.log.warn("recordings lifecycle run failed", { error: String(err) }));
  runLifecycle();
  const timer = setInterval(runLifecycle, LIFECYCLE_INTERVAL_MS);
  timer.unref();

  /** Verifies the signature (header or presigned) and the caller's role; returns the caller's key id. */
  const authenticate = async (req: IncomingMessage, path: string, rawQuery: string, query: URLSearchParams) => {
    const parts = { method: req.method ?? "GET", path, rawQuery, headers: req.headers };
    const presigned = query.has("X-Amz-Signature") || query.has("X-Amz-Credential");
    if (presigned) checkPresignedExpiry(query, Date.now());
    else if (req.headers.authorization === undefined) throw accessDenied();
    const verdict = presigned ? await verifier.verifyPresigned(parts) : await verifier.verifyHeader(parts);
    if (!verdict.ok) throw s3AuthError(verdict, presigned);
    return verdict.accessKeyId;
  };

  const putObject = async (req: IncomingMessage, res: ServerResponse, bucketFolder: BucketFolder, key: string) => {
    const declared = req.headers["content-length"];
    if (declared === undefined) {
      throw new S3Error("MissingContentLength", 411, "You must provide the Content-Length HTTP header.");
    }
    const length = Number(declared);
    if (length > MAX_RECORDING_BYTES) {
      throw new S3Error(
        "EntityTooLarge",
        400,
        "Your proposed upload exceeds the maximum allowed size (5 GB in one PUT).",
      );
    }
    const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD");
    const meta = await bucketFolder.put(
      key,
      String(req.headers["content-type"] ?? "binary/octet-stream"),
      req,
      Date.now(),
      (received) => {
        if (received.bytes !== length) {
          throw new S3Error(
            "IncompleteBody",
            400,
            "You did not provide the number of bytes specified by the Content-Length HTTP header.",
          );
        }
        if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== received.sha256) {
          throw new S3Error(
            "XAmzContentSHA256Mismatch",
            400,
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
          );
        }
      },
    );
    res.writeHead(200, { etag: meta.etag, "content-length": "0" });
    res.end();
  };

  const getObject = async (res: ServerResponse, bucketFolder: BucketFolder, key: string, headOnly: boolean) => {
    const meta = await bucketFolder.head(key);
    if (!meta) throw new S3Error("NoSuchKey", 404, "The specified key does not exist.", key);
    res.writeHead(200, {
      "content-type": meta.contentType,
      "content-length": String(meta.bytes),
      etag: meta.etag,
      "last-modified": new Date(meta.lastModified).toUTCString(),
      "accept-ranges": "bytes",
    });
    if (headOnly) {
      res.end();
      return;
    }
    bucketFolder.read(key).pipe(res);
  };

  const listObjects = async (
    res: ServerResponse,
    bucket: string,
    bucketFolder: BucketFolder,
    query: URLSearchParams,
  ) => {
    const prefix = query.get("prefix") ?? "";
    const maxKeys = Math.min(Number(query.get("max-keys") ?? MAX_KEYS) || 0, MAX_KEYS);
    const token = query.get("continuation-token");
    const after = token ? Buffer.from(token, "base64url").toString("utf8") : (query.get("start-after") ?? "");
    const matching = (await bucketFolder.list()).filter(
      (o) => o.key.startsWith(prefix) && Buffer.compare(Buffer.from(o.key), Buffer.from(after)) > 0,
    );
    const page = matching.slice(0, maxKeys);
    const truncated = matching.length > page.length;
    const next = truncated && page.length > 0 ? Buffer.from(page.at(-1)!.key).toString("base64url") : undefined;
    const body = listXml(bucket, prefix, page, truncated, next, maxKeys);
    res.writeHead(200, { "content-type": "application/xml", "content-length": String(Buffer.byteLength(body)) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const { path, rawQuery } = splitRequestTarget(req.url);
    const query = new URLSearchParams(rawQuery);
    const rest = path.slice(PATHS.s3.length + 1);
    const slash = rest.indexOf("/");
    const bucket = decodePathPart(slash < 0 ? rest : rest.slice(0, slash));
    const rawKey = slash < 0 ? "" : rest.slice(slash + 1);
    const key = rawKey === "" ? undefined : decodePathPart(rawKey);

    if (req.method === "OPTIONS") {
      req.resume();
      const verdict = bucket === settings.bucket ? evaluatePreflight(cors, req) : { allowed: false as const };
      if (!verdict.allowed)
        throw new S3Error("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed.");
      res.writeHead(200, { ...verdict.headers, "content-length": "0" });
      res.end();
      return;
    }
    if (!folder || bucket !== settings.bucket) {
      req.resume();
      throw new S3Error("NoSuchBucket", 404, "The specified bucket does not exist.", bucket);
    }
    applyRequestCors(cors, req, res);
    const call = classify(req.method ?? "GET", bucket, key, query);
    const caller = await authenticate(req, path, rawQuery, query);
    const decision = callers.authorize(caller, call.action, call.resource, call.arn);
    if (!decision.allowed) throw accessDenied(decision.message);
    switch (call.operation) {
      case "PutObject":
        return putObject(req, res, folder, key!);
      case "GetObject":
      case "HeadObject":
        req.resume();
        return getObject(res, folder, key!, call.operation === "HeadObject");
      case "ListObjectsV2":
        req.resume();
        return listObjects(res, bucket, folder, query);
    }
  };

  return {
    name: "s3",
    settings,
    expireNow,
    handleRequest(req, res) {
      const { path } = splitRequestTarget(req.url);
      if (!underPrefix(path, PATHS.s3)) return false;
      handle(req, res).catch((err) => {
        req.resume();
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (err instanceof S3Error) {
          sendS3Error(res, err, req.method === "HEAD");
          return;
        }
        ctx.log.error("s3 request failed", { error: String(err) });
        sendS3Error(res, new S3Error("InternalError", 500, "The S3 emulator failed on this request; see its log."));
      });
      return true;
    },
    async close() {
      clearInterval(timer);
    },
  };
}
