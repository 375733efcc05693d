import { HTTP_ROUTES, type HttpRouteKey, OWNER_HTTP_ROUTES, RELAY_HTTP_ROUTES } from "@babelcast/protocol";
import type { Capability, TableAccess } from "../permissions/permissionTable.js";
import type { TableId } from "../tables/definitions.js";
import { FUNCTION_SETTINGS, type FunctionSettings } from "./functionSettings.js";

/**
 * Every backend Lambda function the cloud stack deploys, and how each is wired: what invokes
 * it, the routes it serves, the tables it touches and the AWS capabilities its role gets. The
 * stack (`infra/lib/babelcastStack.ts`) deploys these rows; the embedded server runs the same
 * rows as its functions, each with credentials of its own that may call only what its role
 * allows (`permissions/permissionTable.ts`).
 */

/**
 * What invokes the handler: every HTTP API route, every WebSocket API route, the
 * WebSocket `$connect` authorizer, the caption Event API's Lambda authorizer (AppSync Events,
 * AWS_LAMBDA mode: listeners' connects and subscribes), the cleanup schedule, or another
 * function (Lambda Invoke).
 */
export type HandlerTrigger =
  | "httpApi"
  | "webSocketApi"
  | "webSocketAuthorizer"
  | "eventApiAuthorizer"
  | "schedule"
  | "functionInvoke";

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

/** Routes anyone may call: session info, join, viewer refresh, transcript (the handler checks token, passcode or public flag). */
export const LISTENER_HTTP_ROUTES: readonly HttpRouteKey[] = HTTP_ROUTES.filter(
  (r) => !OWNER_HTTP_ROUTES.includes(r) && !RELAY_HTTP_ROUTES.includes(r),
);

export const HANDLER_ENTRIES: readonly HandlerEntry[] = [
  {
    ...FUNCTION_SETTINGS.HttpApiFunction,
    id: "OwnerHttpFunction",
    description: "HTTP API, presenter routes: create, list, change, hand off and end sessions; master channel grants",
    trigger: "httpApi",
    routes: OWNER_HTTP_ROUTES,
    tables: {
      sessions: "readWrite",
      // A hand-off's claim tells the new console the last stored segment, to number after it;
      // the session report reads the stored segments' stage times and translations.
      segments: "read",
      // Ending a session drops its listeners and tells everyone (connections).
      listeners: "readWrite",
      connections: "readWrite",
      rateLimits: "readWrite",
      // A vanished listener found while fanning out changes the (versioned) listener counts.
      coordination: "readWrite",
    },
    // Creates the first channel, presigns the console's master URLs, deletes channels and the terminology when the session ends.
    // Ending a session publishes its status to every language's caption channel.
    // GET /languages and the session checks read the engines' language lists (engineCatalogue).
    capabilities: [
      "kvsChannelLifecycle",
      "kvsSignaling",
      "kvsConnectAsMaster",
      "manageConnections",
      "publishCaptions",
      "lifecycleEvents",
      "deleteTerminologies",
      "glossaryVocabularies",
      "sessionVocabularyFilters",
      "engineCatalogue",
      // Presigns the console's recording uploads and the owner's downloads; lists a session's recordings.
      "recordingUploads",
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
    // GET /sessions/{id} is public, and tells the owner whether the glossary's vocabulary is READY.
    capabilities: ["kvsSignaling", "kvsConnectAsViewer", "listenerTokens", "invokePoolGrowth", "readVocabularyState"],
  },
  {
    ...FUNCTION_SETTINGS.HttpApiFunction,
    id: "RelayHttpFunction",
    description: "HTTP API, relay routes: relay agents register and heartbeat; their desired state with grants",
    trigger: "httpApi",
    routes: RELAY_HTTP_ROUTES,
    tables: {
      // A live relay adopts a dead or draining relay's channels: a conditional write on the session's channel list.
      sessions: "readWrite",
      // The relay registry, slot holds and the viewer map (which listener hears what on a relay).
      coordination: "readWrite",
    },
    // Checks the relay key; presigns the relay's uplink viewer URL and its pool channels' master URLs.
    capabilities: ["relayKey", "kvsSignaling", "kvsConnectAsMaster", "kvsConnectAsViewer"],
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
    description:
      "WebSocket API: console segments (translate, publish captions per language), partials, status, listener messages",
    trigger: "webSocketApi",
    tables: {
      sessions: "readWrite",
      listeners: "readWrite",
      connections: "readWrite",
      segments: "readWrite",
      // Caption order marks, audio slot holds, listener count versions.
      coordination: "readWrite",
    },
    // `end` deletes the session's channels; segments are translated and published as text, once per
    // language, to the caption Event API (the console speaks them); the console's own messages go by its connection.
    capabilities: [
      "kvsChannelLifecycle",
      "manageConnections",
      "publishCaptions",
      "translate",
      "lifecycleEvents",
      "glossaryVocabularies",
      "sessionVocabularyFilters",
    ],
  },
  {
    ...FUNCTION_SETTINGS.ConnectAuthorizerFunction,
    description: "WebSocket $connect authorizer: presenter JWT or listener token",
    trigger: "webSocketAuthorizer",
    tables: { sessions: "read", listeners: "read" },
    capabilities: ["listenerTokens"],
  },
  {
    ...FUNCTION_SETTINGS.CaptionAuthorizerFunction,
    description:
      "Caption Event API authorizer (AWS_LAMBDA): a listener token connects; it subscribes to its own session's languages only",
    trigger: "eventApiAuthorizer",
    tables: { sessions: "read", listeners: "read" },
    capabilities: ["listenerTokens"],
  },
  {
    ...FUNCTION_SETTINGS.CleanupFunction,
    description:
      "Scheduled: ends stale sessions, deletes their KVS channels and orphaned terminologies, vocabularies and vocabulary filters",
    trigger: "schedule",
    // A vanished listener found while fanning out changes the (versioned) listener counts.
    tables: { sessions: "readWrite", listeners: "readWrite", connections: "readWrite", coordination: "readWrite" },
    // Ending a stale session publishes its status to every language's caption channel.
    capabilities: [
      "kvsChannelLifecycle",
      "manageConnections",
      "publishCaptions",
      "lifecycleEvents",
      "deleteTerminologies",
      "listTerminologies",
      "glossaryVocabularies",
      "listVocabularies",
      "sessionVocabularyFilters",
      "listVocabularyFilters",
    ],
  },
];
