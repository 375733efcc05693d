import type { IncomingMessage, ServerResponse } from "node:http";
import { RECORDINGS_CORS } from "@babelcast/protocol";

/**
 * The recordings bucket's CORS configuration, applied as S3 applies one: a preflight is
 * answered only when its origin, method and every requested header match a rule, else 403;
 * an actual request from an allowed origin gets `Access-Control-Allow-Origin` with that origin,
 * any other gets no CORS headers (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html,
 * "How does Amazon S3 evaluate the CORS configuration on a bucket?").
 */
export interface BucketCors {
  readonly allowedOrigins: readonly string[];
}

export type PreflightVerdict =
  | { readonly allowed: true; readonly headers: Record<string, string> }
  | { readonly allowed: false };

/** Whether a preflight (OPTIONS with Origin and Access-Control-Request-Method) matches the rule. */
export function evaluatePreflight(cors: BucketCors, req: IncomingMessage): PreflightVerdict {
  const origin = req.headers.origin ?? "";
  const method = String(req.headers["access-control-request-method"] ?? "");
  const requested = String(req.headers["access-control-request-headers"] ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
  const allowed =
    cors.allowedOrigins.includes(origin) &&
    (RECORDINGS_CORS.allowMethods as readonly string[]).includes(method) &&
    requested.every((h) => (RECORDINGS_CORS.allowHeaders as readonly string[]).includes(h));
  if (!allowed) return { allowed: false };
  return {
    allowed: true,
    headers: {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": RECORDINGS_CORS.allowMethods.join(", "),
      ...(requested.length > 0 ? { "access-control-allow-headers": requested.join(", ") } : {}),
      "access-control-max-age": String(RECORDINGS_CORS.maxAgeSeconds),
      vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    },
  };
}

/** Adds the CORS headers of an actual request from an allowed origin (none for other origins). */
export function applyRequestCors(cors: BucketCors, req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (origin === undefined || !cors.allowedOrigins.includes(origin)) return;
  if (!(RECORDINGS_CORS.allowMethods as readonly string[]).includes(req.method ?? "")) return;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("access-control-expose-headers", RECORDINGS_CORS.exposeHeaders.join(", "));
  res.setHeader("vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
}
