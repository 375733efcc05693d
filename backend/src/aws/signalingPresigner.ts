import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export interface SignalingCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface PresignSignalingUrlOptions {
  /** The WSS endpoint from GetSignalingChannelEndpoint: `wss://` on AWS, `ws://` on the embedded server. */
  readonly endpoint: string;
  readonly channelArn: string;
  readonly role: "MASTER" | "VIEWER";
  /** Required for a VIEWER (its identity on the channel); must be absent for the MASTER. */
  readonly clientId?: string;
  readonly credentials: SignalingCredentials | (() => Promise<SignalingCredentials>);
  readonly region: string;
  /** Lifetime of the URL: it must be opened within this many seconds (the SDK uses 299). */
  readonly expiresSeconds: number;
  /** Signing time; now by default (tests pin it). */
  readonly signingDate?: Date;
}

const CLIENT_ID_RE = /^[a-zA-Z0-9_.-]{1,256}$/;

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Presigns a KVS signaling WebSocket URL for a master or a viewer, with the same query
 * parameters the SDK's SigV4RequestSigner produces (`X-Amz-ChannelARN`, `X-Amz-ClientId`,
 * `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
 * `X-Amz-SignedHeaders=host`, `X-Amz-Security-Token` when present, `X-Amz-Signature`).
 * Browsers hand it to `SignalingClient` through a `requestSigner` that returns it, so they
 * never hold credentials.
 */
export async function presignSignalingUrl(options: PresignSignalingUrlOptions): Promise<string> {
  const url = new URL(options.endpoint);
  if (url.protocol !== "wss:" && url.protocol !== "ws:") {
    throw new Error(`signaling endpoint ${options.endpoint} must start with wss:// (AWS) or ws:// (embedded server)`);
  }
  if (url.search || url.hash) throw new Error(`signaling endpoint ${options.endpoint} must not have a query string`);
  if (options.role === "MASTER" && options.clientId !== undefined) {
    throw new Error("a MASTER signaling URL takes no clientId");
  }
  if (options.role === "VIEWER" && (options.clientId === undefined || !CLIENT_ID_RE.test(options.clientId))) {
    throw new Error("a VIEWER signaling URL needs a clientId of 1 to 256 characters of [a-zA-Z0-9_.-]");
  }
  if (!Number.isInteger(options.expiresSeconds) || options.expiresSeconds < 1 || options.expiresSeconds > 604_800) {
    throw new Error("expiresSeconds must be a whole number from 1 to 604800");
  }

  const query: Record<string, string> = { "X-Amz-ChannelARN": options.channelArn };
  if (options.clientId !== undefined) query["X-Amz-ClientId"] = options.clientId;
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: "kinesisvideo",
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { host: url.host },
  });
  const presigned = await signer.presign(request, {
    expiresIn: options.expiresSeconds,
    signableHeaders: new Set(["host"]),
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });
  const signedQuery = Object.entries(presigned.query ?? {})
    .map(([k, v]) => [k, String(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`)
    .join("&");
  return `${url.protocol}//${url.host}${url.pathname}?${signedQuery}`;
}
