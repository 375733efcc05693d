import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HTTP_ROUTES, OWNER_HTTP_ROUTES, WS_CONNECT_PARAMS, WS_ROUTES } from "@babelcast/protocol";
import type { TableId } from "../../backend/src/tables/definitions.js";

/**
 * Every backend Lambda handler the cloud stack deploys, and how each is wired: what it
 * serves, the tables it touches and the AWS capabilities its role gets. The stack, the
 * permission tests and the bundling test all read this one list; the routes themselves
 * come from the backend (`HTTP_ROUTES`, `WS_ROUTES`), the same lists the embedded gateway
 * matches against.
 */

export const HANDLERS_DIR = fileURLToPath(new URL("../../backend/src/handlers/", import.meta.url));

/** What a handler may do besides its tables; each maps to narrowly scoped IAM statements. */
export type Capability =
  /** Create, describe and delete this deployment's KVS signaling channels; ICE servers. */
  | "kvsChannels"
  /** Presign `ConnectAsMaster` / `ConnectAsViewer` URLs for this deployment's channels. */
  | "kvsConnect"
  /** Post to, read and close connections of this stack's WebSocket API stage. */
  | "manageConnections"
  | "translate"
  | "polly"
  /** Put session lifecycle events on this stack's event bus. */
  | "lifecycleEvents";

export type TableAccess = "read" | "readWrite";

/**
 * What invokes the handler: every HTTP API route, every WebSocket API route, the
 * WebSocket `$connect` authorizer, or the cleanup schedule.
 */
export type HandlerTrigger = "httpApi" | "webSocketApi" | "webSocketAuthorizer" | "schedule";

export interface HandlerEntry {
  /** Construct id of the function (PascalCase). */
  readonly id: string;
  /** Path inside `backend/src/handlers` of a file exporting `handler`. */
  readonly file: string;
  readonly description: string;
  readonly trigger: HandlerTrigger;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly capabilities: readonly Capability[];
  /** Memory in MB (default 512) and timeout in seconds (default 10). */
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
}

/** `$connect` query parameters the authorizer reads, as API Gateway identity sources. */
export const CONNECT_IDENTITY_SOURCES = WS_CONNECT_PARAMS.map((p) => `route.request.querystring.${p}`);

export { HTTP_ROUTES, OWNER_HTTP_ROUTES, WS_ROUTES };

export const HANDLER_ENTRIES: readonly HandlerEntry[] = [
  {
    id: "HttpApiFunction",
    file: "lambda/httpApi.ts",
    description: "HTTP API: sessions, join, viewer refresh, channels, transcript",
    trigger: "httpApi",
    tables: {
      sessions: "readWrite",
      // Fan-out forgets connections that are gone.
      connections: "readWrite",
      segments: "read",
      rateLimits: "readWrite",
    },
    // Ending a session tells everyone (connections) and deletes its channels.
    capabilities: ["kvsChannels", "kvsConnect", "manageConnections", "lifecycleEvents"],
    // A join may create a KVS channel and fetch its endpoints and ICE servers.
    timeoutSeconds: 20,
  },
  {
    id: "WebSocketFunction",
    file: "lambda/webSocketApi.ts",
    description: "WebSocket API: console segments (translate, synthesize, fan out), status, listener messages",
    trigger: "webSocketApi",
    tables: {
      sessions: "readWrite",
      listeners: "readWrite",
      connections: "readWrite",
      segments: "readWrite",
    },
    // `end` deletes the session's channels; segments are translated, synthesized and fanned out.
    capabilities: ["kvsChannels", "manageConnections", "translate", "polly", "lifecycleEvents"],
    memorySize: 1024,
    timeoutSeconds: 29,
  },
  {
    id: "ConnectAuthorizerFunction",
    file: "lambda/connectAuthorizer.ts",
    description: "WebSocket $connect authorizer: presenter JWT or listener token",
    trigger: "webSocketAuthorizer",
    tables: { sessions: "read", listeners: "read" },
    capabilities: [],
  },
  {
    id: "CleanupFunction",
    file: "cleanup.ts",
    description: "Scheduled: ends stale sessions and deletes their KVS channels",
    trigger: "schedule",
    tables: { sessions: "readWrite", listeners: "readWrite", connections: "readWrite" },
    capabilities: ["kvsChannels", "manageConnections", "lifecycleEvents"],
    timeoutSeconds: 300,
  },
];

export function handlerPath(entry: HandlerEntry): string {
  return join(HANDLERS_DIR, entry.file);
}

/** Entries whose handler file is not written yet (the stack refuses to synthesize then). */
export function missingHandlers(entries: readonly HandlerEntry[] = HANDLER_ENTRIES): HandlerEntry[] {
  return entries.filter((entry) => !existsSync(handlerPath(entry)));
}
