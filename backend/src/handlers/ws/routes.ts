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

/** The route API Gateway would select for a message body. */
export function selectWsRoute(body: string): WsRouteKey {
  try {
    const action = (JSON.parse(body) as { action?: unknown })?.action;
    if (typeof action === "string" && (WS_MESSAGE_ROUTES as readonly string[]).includes(action)) {
      return action as WsMessageRoute;
    }
  } catch {
    // not JSON: $default answers with an error
  }
  return "$default";
}
