import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HTTP_ROUTES, type HttpRouteKey, OWNER_HTTP_ROUTES, WS_CONNECT_PARAMS, WS_ROUTES } from "@babelcast/protocol";
import { HANDLER_ENTRIES, type HandlerEntry } from "../../backend/src/handlers/deployedFunctions.js";

/**
 * The functions the stack deploys come from the backend's table of deployed functions
 * (`backend/src/handlers/deployedFunctions.ts`), which the embedded server runs too; the
 * permissions behind their capabilities from `backend/src/permissions/permissionTable.ts`.
 * This module adds what only the stack needs: handler paths and the authorizer's sources.
 */
export {
  HANDLER_ENTRIES,
  type HandlerEntry,
  type HandlerTrigger,
  LISTENER_HTTP_ROUTES,
} from "../../backend/src/handlers/deployedFunctions.js";
export type { Capability, TableAccess } from "../../backend/src/permissions/permissionTable.js";

export const HANDLERS_DIR = fileURLToPath(new URL("../../backend/src/handlers/", import.meta.url));

/** `$connect` query parameters the authorizer reads, as API Gateway identity sources. */
export const CONNECT_IDENTITY_SOURCES = WS_CONNECT_PARAMS.map((p) => `route.request.querystring.${p}`);

export { HTTP_ROUTES, OWNER_HTTP_ROUTES, WS_ROUTES };

export function handlerPath(entry: HandlerEntry): string {
  return join(HANDLERS_DIR, entry.file);
}

/** HTTP routes that no httpApi entry serves, or that several do (each route goes to exactly one function). */
export function unroutedHttpRoutes(entries: readonly HandlerEntry[] = HANDLER_ENTRIES): HttpRouteKey[] {
  const served = entries.filter((e) => e.trigger === "httpApi").flatMap((e) => e.routes ?? []);
  return HTTP_ROUTES.filter((route) => served.filter((r) => r === route).length !== 1);
}

/** Entries whose handler file is not written yet (the stack refuses to synthesize then). */
export function missingHandlers(entries: readonly HandlerEntry[] = HANDLER_ENTRIES): HandlerEntry[] {
  return entries.filter((entry) => !existsSync(handlerPath(entry)));
}
