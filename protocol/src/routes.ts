/**
 * The APIs' routes, as API Gateway route keys. The CDK stack adds exactly these to the
 * HTTP and WebSocket APIs, the handlers dispatch on them, and the embedded gateway matches
 * requests against them.
 */
export const HTTP_ROUTES = [
  "POST /sessions",
  "GET /sessions",
  "GET /sessions/{id}",
  "PATCH /sessions/{id}",
  "DELETE /sessions/{id}",
  "POST /sessions/{id}/listeners",
  "POST /sessions/{id}/listeners/{listenerId}/refresh",
  "GET /sessions/{id}/channels",
  "POST /sessions/{id}/handoffs",
  "POST /sessions/{id}/handoffs/claim",
  "GET /handoffs",
  "POST /sessions/{id}/interpreters",
  "POST /sessions/{id}/interpreters/join",
  "GET /sessions/{id}/transcript",
  "GET /sessions/{id}/report",
  /** A presigned S3 PUT URL for one recording (the deployment's recordings bucket). */
  "POST /sessions/{id}/recordings",
  /** The session's uploaded recordings, with presigned GET URLs. */
  "GET /sessions/{id}/recordings",
  /** The embeddable player's HTML, with the session's `frame-ancestors` allow-list. */
  "GET /sessions/{id}/embed",
  "GET /languages",
  /** Relay agents (docs/relays.md): the handler checks the deployment's relay key. */
  "POST /relays",
  "POST /relays/{relayId}/heartbeat",
  /** Operators, with the same relay key: the registered relays and their load, and draining one. */
  "GET /relays",
  "POST /relays/{relayId}/drain",
] as const;
export type HttpRouteKey = (typeof HTTP_ROUTES)[number];

/** HTTP routes that need a presenter's identity at the gateway (the handler verifies it again). */
export const OWNER_HTTP_ROUTES: readonly HttpRouteKey[] = [
  "POST /sessions",
  "GET /sessions",
  "PATCH /sessions/{id}",
  "DELETE /sessions/{id}",
  "GET /sessions/{id}/channels",
  "GET /sessions/{id}/report",
  "POST /sessions/{id}/recordings",
  "GET /sessions/{id}/recordings",
  "POST /sessions/{id}/handoffs",
  "POST /sessions/{id}/handoffs/claim",
  "GET /handoffs",
  "POST /sessions/{id}/interpreters",
  "GET /languages",
];

/** Routes of relay agents and their operators (authenticated by the relay key, not a presenter's identity). */
export const RELAY_HTTP_ROUTES: readonly HttpRouteKey[] = [
  "POST /relays",
  "POST /relays/{relayId}/heartbeat",
  "GET /relays",
  "POST /relays/{relayId}/drain",
];

/** Methods and headers the browser pages use cross-origin (console on its own origin, API on another). */
export const HTTP_CORS = {
  allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["authorization", "content-type"],
  exposeHeaders: ["content-disposition", "retry-after"],
  maxAgeSeconds: 600,
} as const;

/**
 * CORS for `GET /config.json`: the Electron console (`babelcast://console`) reads it from the
 * listener site's origin. The CloudFront response-headers policy of the `config.json`
 * behaviour and the embedded server both send these; CloudFront adds them to CORS requests
 * (those with an `Origin` header) only, and so does the embedded server.
 */
export const CONFIG_CORS = {
  allowOrigins: ["*"],
  allowMethods: ["GET", "HEAD"],
  allowHeaders: ["*"],
  allowCredentials: false,
  maxAgeSeconds: 600,
} as const;

/**
 * The WebSocket API's routes. API Gateway selects a route by the message's `action`
 * (route selection expression below); anything else goes to `$default`.
 */
export const WS_ROUTE_SELECTION_EXPRESSION = "$request.body.action";
export const WS_MESSAGE_ROUTES = ["segment", "partial", "status", "end", "hello", "language"] as const;
export type WsMessageRoute = (typeof WS_MESSAGE_ROUTES)[number];
export const WS_ROUTES = ["$connect", "$disconnect", "$default", ...WS_MESSAGE_ROUTES] as const;
export type WsRouteKey = (typeof WS_ROUTES)[number];

/** Query string parameters the `$connect` authorizer reads (its identity sources). */
export const WS_CONNECT_PARAMS = ["role", "sessionId", "token"] as const;
