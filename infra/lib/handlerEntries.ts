import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HTTP_ROUTES, type HttpRouteKey, OWNER_HTTP_ROUTES, WS_CONNECT_PARAMS, WS_ROUTES } from "@babelcast/protocol";
import { FUNCTION_SETTINGS, type FunctionSettings } from "../../backend/src/handlers/functionSettings.js";
import type { TableId } from "../../backend/src/tables/definitions.js";

/**
 * Every backend Lambda handler the cloud stack deploys, and how each is wired: what it
 * serves, the tables it touches and the AWS capabilities its role gets. The stack, the
 * permission tests and the bundling test all read this one list; the routes themselves
 * come from the backend (`HTTP_ROUTES`, `WS_ROUTES`), the same lists the embedded gateway
 * matches against.
 */

export const HANDLERS_DIR = fileURLToPath(new URL("../../backend/src/handlers/", import.meta.url));

/**
 * What a handler may do besides its tables. Each maps to narrowly scoped IAM statements in
 * the permission table (`CAPABILITY_GRANTS`, `constructs/handlerPermissions.ts`).
 */
export type Capability =
  /** Create, describe, tag and delete this deployment's KVS signaling channels. */
  | "kvsChannelLifecycle"
  /** Describe a channel, its signaling endpoints and its ICE (TURN) servers. */
  | "kvsSignaling"
  /** Presign `ConnectAsMaster` URLs (the console, relays): owner side only. */
  | "kvsConnectAsMaster"
  /** Presign `ConnectAsViewer` URLs (listeners). */
  | "kvsConnectAsViewer"
  /** Post to, read and close connections of this stack's WebSocket API stage. */
  | "manageConnections"
  | "translate"
  /** Delete this deployment's session terminologies (a session ended). */
  | "deleteTerminologies"
  /** List the account's terminologies in the Region (cleanup finds the orphans among them). */
  | "listTerminologies"
  /** List the account's Transcribe vocabularies in the Region (cleanup finds the orphans among them). */
  | "listVocabularies"
  /** Create, update, read and delete this deployment's glossary vocabularies (Transcribe). */
  | "glossaryVocabularies"
  | "polly"
  /** Put session lifecycle events on this stack's event bus. */
  | "lifecycleEvents"
  /** Read the listener-token key from Secrets Manager (sign or check listener tokens). */
  | "listenerTokens"
  /** Invoke the pool-growth function (and no other): the join's one way to add a channel. */
  | "invokePoolGrowth";

export type TableAccess = "read" | "readWrite";

/**
 * What invokes the handler: every HTTP API route, every WebSocket API route, the
 * WebSocket `$connect` authorizer, the cleanup schedule, or another function (Lambda Invoke).
 */
export type HandlerTrigger = "httpApi" | "webSocketApi" | "webSocketAuthorizer" | "schedule" | "functionInvoke";

/**
 * File, memory and timeout come from the backend's function settings, which the embedded
 * runtime also reads. One settings row may be deployed as several functions, each serving
 * part of the routes with its own role (the HTTP API: owner routes and listener routes).
 */
export interface HandlerEntry extends Omit<FunctionSettings, "id"> {
  /** Construct id of the function (PascalCase). */
  readonly id: string;
  readonly description: string;
  readonly trigger: HandlerTrigger;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly capabilities: readonly Capability[];
  /** HTTP API routes this function serves (trigger "httpApi"); every route has exactly one function. */
  readonly routes?: readonly HttpRouteKey[];
}

/** `$connect` query parameters the authorizer reads, as API Gateway identity sources. */
export const CONNECT_IDENTITY_SOURCES = WS_CONNECT_PARAMS.map((p) => `route.request.querystring.${p}`);

export { HTTP_ROUTES, OWNER_HTTP_ROUTES, WS_ROUTES };

/** Routes anyone may call: session info, join, viewer refresh, transcript (the handler checks token, passcode or public flag). */
export const LISTENER_HTTP_ROUTES: readonly HttpRouteKey[] = HTTP_ROUTES.filter((r) => !OWNER_HTTP_ROUTES.includes(r));

export const HANDLER_ENTRIES: readonly HandlerEntry[] = [
  {
    ...FUNCTION_SETTINGS.HttpApiFunction,
    id: "OwnerHttpFunction",
    description: "HTTP API, presenter routes: create, list, change and end sessions; master channel grants",
    trigger: "httpApi",
    routes: OWNER_HTTP_ROUTES,
    tables: {
      sessions: "readWrite",
      // Ending a session drops its listeners and tells everyone (connections).
      listeners: "readWrite",
      connections: "readWrite",
      rateLimits: "readWrite",
      // A vanished listener found while fanning out changes the (versioned) listener counts.
      coordination: "readWrite",
    },
    // Creates the first channel, presigns the console's master URLs, deletes channels and the terminology when the session ends.
    capabilities: [
      "kvsChannelLifecycle",
      "kvsSignaling",
      "kvsConnectAsMaster",
      "manageConnections",
      "lifecycleEvents",
      "deleteTerminologies",
      "glossaryVocabularies",
    ],
  },
  {
    ...FUNCTION_SETTINGS.HttpApiFunction,
    id: "ListenerHttpFunction",
    description: "HTTP API, public routes: session info, join, viewer refresh, transcript",
    trigger: "httpApi",
    routes: LISTENER_HTTP_ROUTES,
    tables: {
      sessions: "readWrite",
      listeners: "readWrite",
      connections: "readWrite",
      segments: "read",
      rateLimits: "readWrite",
      // Joins claim audio slots; listener counts carry a version.
      coordination: "readWrite",
    },
    // Public and anonymous: viewer URLs and listener tokens only; never master, channel changes or connections.
    // A join past the pool's last free slot has the pool-growth function add the channel.
    capabilities: ["kvsSignaling", "kvsConnectAsViewer", "listenerTokens", "invokePoolGrowth"],
  },
  {
    ...FUNCTION_SETTINGS.PoolGrowthFunction,
    description: "Invoked by the join: adds one KVS channel to a session's pool and tells the console",
    trigger: "functionInvoke",
    tables: {
      sessions: "readWrite",
      // Telling the console forgets vanished connections, which changes the (versioned) listener counts.
      connections: "readWrite",
      listeners: "readWrite",
      coordination: "readWrite",
    },
    // Creates the channel, presigns the console's master URL for it, posts it to the console.
    capabilities: ["kvsChannelLifecycle", "kvsSignaling", "kvsConnectAsMaster", "manageConnections"],
  },
  {
    ...FUNCTION_SETTINGS.WebSocketFunction,
    description: "WebSocket API: console segments (translate, fan out text), status, listener messages",
    trigger: "webSocketApi",
    tables: {
      sessions: "readWrite",
      listeners: "readWrite",
      connections: "readWrite",
      segments: "readWrite",
      // Caption order marks, audio slot holds, listener count versions.
      coordination: "readWrite",
    },
    // `end` deletes the session's channels; segments are translated and fanned out as text (the console speaks them).
    capabilities: ["kvsChannelLifecycle", "manageConnections", "translate", "lifecycleEvents", "glossaryVocabularies"],
  },
  {
    ...FUNCTION_SETTINGS.ConnectAuthorizerFunction,
    description: "WebSocket $connect authorizer: presenter JWT or listener token",
    trigger: "webSocketAuthorizer",
    tables: { sessions: "read", listeners: "read" },
    capabilities: ["listenerTokens"],
  },
  {
    ...FUNCTION_SETTINGS.CleanupFunction,
    description:
      "Scheduled: ends stale sessions, deletes their KVS channels and orphaned glossary terminologies and vocabularies",
    trigger: "schedule",
    // A vanished listener found while fanning out changes the (versioned) listener counts.
    tables: { sessions: "readWrite", listeners: "readWrite", connections: "readWrite", coordination: "readWrite" },
    capabilities: [
      "kvsChannelLifecycle",
      "manageConnections",
      "lifecycleEvents",
      "deleteTerminologies",
      "listTerminologies",
      "glossaryVocabularies",
      "listVocabularies",
    ],
  },
];

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
