import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { EmbeddedCredentials } from "../dataDir.js";

/**
 * Verifies AWS Signature Version 4 the way AWS does, for the embedded AWS-compatible
 * endpoints: the request is signed again with the known secret (by the same library the
 * SDKs use) and the signatures compared. Both the Authorization header form and presigned
 * URLs (WebSocket upgrades of KVS signaling and Transcribe) are supported.
 */

/** What an endpoint needs of an incoming request; `path` and `query` exactly as received. */
export interface SignedRequestParts {
  readonly method: string;
  /** Path as received on the wire (still percent-encoded). */
  readonly path: string;
  /** Raw query string without the leading `?`. */
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: Uint8Array | string;
}

export type SigV4Failure = {
  readonly ok: false;
  readonly status: 403;
  /** AWS's error type, e.g. `InvalidSignatureException`. */
  readonly code: "MissingAuthenticationTokenException" | "UnrecognizedClientException" | "InvalidSignatureException";
  readonly message: string;
};
export type SigV4Verdict = { readonly ok: true; readonly accessKeyId: string } | SigV4Failure;

/** Credentials a verifier may resolve by access key id: temporary ones carry a session token. */
export interface ResolvedCredentials extends EmbeddedCredentials {
  readonly sessionToken?: string;
}

export interface SigV4VerifierOptions {
  readonly credentials: EmbeddedCredentials;
  /** Looks up further (e.g. temporary) credentials by access key id; undefined when unknown or expired. */
  readonly resolveCredentials?: (accessKeyId: string) => ResolvedCredentials | undefined;
  /** Whether `credentials` themselves are accepted (default true); false admits only resolved ones. */
  readonly acceptStaticCredentials?: boolean;
  readonly region: string;
  /** Signing name of the service, e.g. `kinesisvideo`, `transcribe`, `translate`, `polly`. */
  readonly service: string;
  /** Allowed clock difference between client and server (AWS allows 5 minutes). */
  readonly maxSkewMs?: number;
  readonly now?: () => number;
  /**
   * Whether the canonical path's segments are escaped again (default true). S3 alone signs the
   * path as it is sent (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
   */
  readonly uriEscapePath?: boolean;
  /**
   * The payload hash a presigned URL is signed with when it names none: S3 signs presigned
   * requests with `UNSIGNED-PAYLOAD` (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
   */
  readonly presignedPayloadHash?: string;
}

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const DATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function fail(code: SigV4Failure["code"], message: string): SigV4Failure {
  return { ok: false, status: 403, code, message };
}

function parseAmzDate(value: string | undefined): Date | undefined {
  const m = DATE_RE.exec(value ?? "");
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function headerValue(headers: SignedRequestParts["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** Query string → object with arrays for repeated keys, as HttpRequest wants it. */
function queryObject(rawQuery: string, without: readonly string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    if (without.includes(k)) continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** The request's signed headers, or the name of the first one it lacks. */
function pickSignedHeaders(
  all: SignedRequestParts["headers"],
  names: readonly string[],
): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const v = headerValue(all, name);
    if (v === undefined) return name;
    headers[name] = v;
  }
  return headers;
}

/**
 * The request as the client signed it (its signed headers only, on a fixed host), or the refusal
 * when one of them is missing. Header and presigned checks both re-sign this.
 */
function signedRequest(
  req: SignedRequestParts,
  signedHeaders: readonly string[],
  query: Record<string, string | string[]>,
  body?: Uint8Array | string,
): HttpRequest | SigV4Failure {
  const headers = pickSignedHeaders(req.headers, signedHeaders);
  if (typeof headers === "string")
    return fail("InvalidSignatureException", `Signed header ${headers} is missing from the request.`);
  return new HttpRequest({
    method: req.method,
    protocol: "http:",
    hostname: "embedded",
    path: req.path,
    query,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const PAYLOAD_HASH_HEADER = "x-amz-content-sha256";

const INVALID_TOKEN = "The security token included in the request is invalid.";

export class SigV4Verifier {
  private readonly maxSkewMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SigV4VerifierOptions) {
    this.maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private signerFor(credentials: ResolvedCredentials): SignatureV4 {
    return new SignatureV4({
      credentials,
      region: this.options.region,
      service: this.options.service,
      sha256: Sha256,
      uriEscapePath: this.options.uriEscapePath ?? true,
    });
  }

  /** The credentials behind an access key id, with the session token the request must carry. */
  private credentialsFor(
    accessKeyId: string | undefined,
    sessionToken: string | undefined,
  ): ResolvedCredentials | SigV4Failure {
    const own = this.options.credentials;
    if (accessKeyId && accessKeyId === own.accessKeyId && this.options.acceptStaticCredentials !== false) return own;
    const resolved = accessKeyId ? this.options.resolveCredentials?.(accessKeyId) : undefined;
    if (!resolved) return fail("UnrecognizedClientException", INVALID_TOKEN);
    if (resolved.sessionToken !== undefined && !constantTimeEqual(resolved.sessionToken, sessionToken ?? "")) {
      return fail("UnrecognizedClientException", INVALID_TOKEN);
    }
    return resolved;
  }

  /** Checks the credential scope: right region and service. */
  private checkScope(credential: string): SigV4Failure | undefined {
    const [, , region, service, terminator] = credential.split("/");
    if (terminator !== "aws4_request" || service !== this.options.service) {
      return fail(
        "InvalidSignatureException",
        `Credential should be scoped to correct service: '${this.options.service}'.`,
      );
    }
    if (region !== this.options.region) {
      return fail(
        "InvalidSignatureException",
        `Credential should be scoped to a valid region: '${this.options.region}'.`,
      );
    }
    return undefined;
  }

  private checkClock(date: Date): SigV4Failure | undefined {
    if (Math.abs(this.now() - date.getTime()) > this.maxSkewMs) {
      return fail(
        "InvalidSignatureException",
        "Signature expired: the request date is too far from the server's time.",
      );
    }
    return undefined;
  }

  /** Verifies a request signed in the `Authorization` header. */
  async verifyHeader(req: SignedRequestParts): Promise<SigV4Verdict> {
    const authorization = headerValue(req.headers, "authorization");
    if (!authorization) return fail("MissingAuthenticationTokenException", "Missing Authentication Token");
    const m = AUTH_RE.exec(authorization);
    if (!m) return fail("InvalidSignatureException", "Authorization header is not a valid AWS4-HMAC-SHA256 signature.");
    const [, credential, signedHeaderList, signature] = m as unknown as [string, string, string, string];
    const creds = this.credentialsFor(credential.split("/")[0], headerValue(req.headers, "x-amz-security-token"));
    if ("ok" in creds) return creds;
    const scopeError = this.checkScope(credential);
    if (scopeError) return scopeError;
    const date = parseAmzDate(headerValue(req.headers, "x-amz-date"));
    if (!date) return fail("InvalidSignatureException", "Missing or malformed X-Amz-Date header.");
    const clockError = this.checkClock(date);
    if (clockError) return clockError;

    const signedHeaders = signedHeaderList.split(";");
    const request = signedRequest(req, signedHeaders, queryObject(req.rawQuery), req.body ?? "");
    if (!(request instanceof HttpRequest)) return request;
    const signed = await this.signerFor(creds).sign(request, {
      signingDate: date,
      signableHeaders: new Set(signedHeaders),
    });
    const expected = AUTH_RE.exec(String(signed.headers.authorization ?? ""))?.[3] ?? "";
    if (!constantTimeEqual(expected, signature)) {
      return fail(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
      );
    }
    return { ok: true, accessKeyId: creds.accessKeyId };
  }

  /** Verifies a presigned URL (query-string authentication), e.g. a WebSocket upgrade. */
  async verifyPresigned(req: SignedRequestParts): Promise<SigV4Verdict> {
    const q = new URLSearchParams(req.rawQuery);
    const algorithm = q.get("X-Amz-Algorithm");
    const credential = q.get("X-Amz-Credential");
    const signature = q.get("X-Amz-Signature");
    const signedHeaderList = q.get("X-Amz-SignedHeaders");
    const expires = Number(q.get("X-Amz-Expires"));
    if (!algorithm || !credential || !signature || !signedHeaderList || !q.get("X-Amz-Date")) {
      return fail("MissingAuthenticationTokenException", "Missing Authentication Token: the URL is not presigned.");
    }
    if (algorithm !== "AWS4-HMAC-SHA256") return fail("InvalidSignatureException", "Unsupported X-Amz-Algorithm.");
    const creds = this.credentialsFor(credential.split("/")[0], q.get("X-Amz-Security-Token") ?? undefined);
    if ("ok" in creds) return creds;
    const scopeError = this.checkScope(credential);
    if (scopeError) return scopeError;
    const date = parseAmzDate(q.get("X-Amz-Date") ?? undefined);
    if (!date) return fail("InvalidSignatureException", "Malformed X-Amz-Date.");
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) {
      return fail("InvalidSignatureException", "X-Amz-Expires must be a whole number of seconds from 1 to 604800.");
    }
    if (date.getTime() - this.now() > this.maxSkewMs) {
      return fail("InvalidSignatureException", "Signature not yet current: the URL's date is in the future.");
    }
    if (this.now() > date.getTime() + expires * 1000) return fail("InvalidSignatureException", "Signature expired.");

    const signedHeaders = signedHeaderList.split(";");
    const request = signedRequest(req, signedHeaders, queryObject(req.rawQuery, ["X-Amz-Signature"]));
    if (!(request instanceof HttpRequest)) return request;
    const payloadHash = q.get("X-Amz-Content-Sha256") ?? this.options.presignedPayloadHash;
    // The signer reads the payload hash from this header; it stays a header (the query keeps the
    // URL's own parameter, if any) and is not signed as one.
    const payloadHeader = new Set(payloadHash === undefined ? [] : [PAYLOAD_HASH_HEADER]);
    if (payloadHash !== undefined) request.headers[PAYLOAD_HASH_HEADER] = payloadHash;
    const presigned = await this.signerFor(creds).presign(request, {
      signingDate: date,
      expiresIn: expires,
      signableHeaders: new Set(signedHeaders),
      unhoistableHeaders: payloadHeader,
      unsignableHeaders: payloadHeader,
    });
    const expected = String(presigned.query?.["X-Amz-Signature"] ?? "");
    if (!constantTimeEqual(expected, signature)) {
      return fail(
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided.",
      );
    }
    return { ok: true, accessKeyId: creds.accessKeyId };
  }
}
