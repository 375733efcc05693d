import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConfigDocument } from "@babelcast/protocol";
import {
  CONFIG_CORS,
  LISTENER_PERMISSIONS_POLICY,
  listenerPageCsp,
  PATHS,
  pageSecurityHeaders,
} from "@babelcast/protocol";
import type { UserPoolIdentity } from "./cognito/userPoolSettings.js";
import type { EmbeddedContext } from "./embeddedContext.js";
import { sendJson } from "./httpResponses.js";
import { connectSources } from "./listenerPage.js";

/**
 * Builds the config document the embedded server serves, from the base URLs it listens on.
 * With the embedded user pool on, presenters sign in with Cognito there instead of the owner token.
 */
export function embeddedConfigDocument(
  url: string,
  region: string,
  userPool?: UserPoolIdentity,
  /** The Transcribe streaming endpoint's own base URL (a port of its own, as AWS gives it a host of its own). */
  streamingUrl = url,
): ConfigDocument {
  const ws = url.replace(/^http/, "ws");
  return {
    version: 1,
    mode: "embedded",
    region,
    apiUrl: `${url}${PATHS.api}`,
    webSocketUrl: `${ws}${PATHS.webSocket}`,
    events: {
      httpUrl: `${url}${PATHS.appsyncEvents}/event`,
      realtimeUrl: `${ws}${PATHS.appsyncEvents}/event/realtime`,
    },
    listenerUrl: url,
    auth: userPool
      ? {
          kind: "cognito",
          userPoolId: userPool.userPoolId,
          userPoolClientId: userPool.clientId,
          identityPoolId: userPool.identityPoolId,
        }
      : { kind: "owner-token" },
    endpoints: {
      kinesisvideo: `${url}${PATHS.kinesisvideo}`,
      // Only the console's streaming client reads it (the backend's Transcribe client has its own endpoints).
      transcribe: `${streamingUrl}${PATHS.transcribe}`,
      translate: `${url}${PATHS.translate}`,
      polly: `${url}${PATHS.polly}`,
      dynamodb: `${url}${PATHS.dynamodb}`,
      apigatewaymanagementapi: `${url}${PATHS.apigatewaymanagementapi}`,
      credentials: `${url}${PATHS.credentials}`,
      ...(userPool
        ? { cognitoIdp: `${url}${PATHS.cognitoIdp}`, cognitoIdentity: `${url}${PATHS.cognitoIdentity}` }
        : {}),
    },
  };
}

/**
 * The headers `config.json` carries, as the cloud serves it: CloudFront's `config.json`
 * behaviour uses the listener site's response-headers policy (its security headers) plus
 * `CONFIG_CORS`, whose headers CloudFront adds only to CORS requests (with an `Origin`).
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyCorsConfig.html
 */
export function configDocumentHeaders(
  ctx: Pick<EmbeddedContext, "url" | "loopbackUrl" | "config">,
  requestOrigin: string | undefined,
): Record<string, string> {
  const site = pageSecurityHeaders(listenerPageCsp(connectSources(ctx)), LISTENER_PERMISSIONS_POLICY);
  if (requestOrigin === undefined) return site;
  return {
    ...site,
    "access-control-allow-origin": CONFIG_CORS.allowOrigins.join(", "),
    ...(CONFIG_CORS.allowCredentials ? { "access-control-allow-credentials": "true" } : {}),
  };
}

/** Answers `GET /config.json`. */
export function serveConfigDocument(req: IncomingMessage, res: ServerResponse, ctx: EmbeddedContext): void {
  const origin = req.headers.origin;
  sendJson(res, 200, ctx.config, configDocumentHeaders(ctx, typeof origin === "string" ? origin : undefined));
}
