import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { RouteMatch } from "./httpRouteMatch.js";

/** What the embedded gateway knows of an HTTP request once it has read it. */
export interface GatewayRequest {
  readonly method: string;
  /** Path with the API prefix stripped, e.g. `/sessions/amber-harbor-482`. */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly domainName: string;
}

function isTextual(contentType: string | undefined): boolean {
  return !contentType || /^(text\/|application\/(json|x-www-form-urlencoded|xml))/i.test(contentType);
}

/** Builds the API Gateway HTTP API (payload format 2.0) event for a matched request. */
export function httpApiEvent(req: GatewayRequest, route: RouteMatch, now = Date.now()): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === "cookie") cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(req.rawQuery)) query[k] = k in query ? `${query[k]},${v}` : v;
  const textual = isTextual(headers["content-type"]);
  const requestId = randomUUID();
  return {
    version: "2.0",
    routeKey: route.routeKey,
    rawPath: req.path,
    rawQueryString: req.rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(route.pathParameters).length > 0 ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "embedded",
      domainName: req.domainName,
      domainPrefix: req.domainName.split(".")[0] ?? req.domainName,
      http: {
        method: req.method,
        path: req.path,
        protocol: "HTTP/1.1",
        sourceIp: req.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey: route.routeKey,
      stage: "$default",
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    ...(req.body.length > 0 ? { body: textual ? req.body.toString("utf8") : req.body.toString("base64") } : {}),
    isBase64Encoded: req.body.length > 0 && !textual,
  };
}
