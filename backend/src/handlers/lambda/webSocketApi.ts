import { createWebSocketHandler, type WsEvent, type WsResult } from "../ws/webSocketApi.js";
import { lambdaDeps } from "./lambdaDeps.js";

/** Lambda entry of the WebSocket API (every route of `WS_ROUTES`). */
export async function handler(event: WsEvent): Promise<WsResult> {
  return createWebSocketHandler(await lambdaDeps())(event);
}
