import { WS_MESSAGE_ROUTES, type WsMessageRoute, type WsRouteKey } from "@babelcast/protocol";

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
