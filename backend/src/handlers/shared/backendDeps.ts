import { type AwsClients, createAwsClients } from "../../aws/clients.js";
import { cognitoJwtVerify } from "../../aws/cognitoJwt.js";
import { createLifecycleEvents, type LifecycleEvents } from "../../aws/lifecycleEvents.js";
import type { BackendRuntimeConfig } from "../../aws/runtimeConfig.js";
import { kvsSignalingChannels, type SignalingChannels } from "../../aws/signalingChannels.js";
import { managementApiConnections, type WebSocketConnections } from "../../aws/webSocketConnections.js";
import { KeyedDebouncer } from "../../services/listenerCounts.js";
import { type OwnerAuthenticator, selectOwnerAuthenticator } from "../../services/ownerAuth.js";
import { createStores, type Stores } from "../../tables/stores.js";
import { publishListenerCounts } from "./fanout.js";
import type { Logger } from "./logger.js";
import { createPipelineProcessor } from "./pipelineProcessor.js";
import type { SegmentProcessor } from "./segmentDelivery.js";

/** Structured log lines (the embedded server's logger, or JSON on the Lambda console). */
export type BackendLog = Logger;

/** Everything a handler depends on, built in one place (tests and the embedded server build the real thing). */
export interface BackendDeps {
  readonly config: BackendRuntimeConfig;
  readonly clients: AwsClients;
  readonly stores: Stores;
  readonly channels: SignalingChannels;
  readonly ownerAuth: OwnerAuthenticator;
  readonly sockets: WebSocketConnections;
  readonly lifecycle: LifecycleEvents;
  /** The seam where the translation pipeline plugs in: called once per newly stored segment. */
  readonly segmentProcessor: SegmentProcessor;
  readonly now: () => number;
  readonly random: () => number;
  readonly log: BackendLog;
  /** Listener counts changed: push them to the console (debounced when configured). */
  countsChanged(sessionId: string): Promise<void>;
  close(): void;
}

export interface BackendDepsOverrides {
  readonly channels?: SignalingChannels;
  readonly ownerAuth?: OwnerAuthenticator;
  readonly segmentProcessor?: SegmentProcessor;
  readonly lifecycle?: LifecycleEvents;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly log?: BackendLog;
}

const consoleLog: BackendLog = {
  info: (m, f) => console.log(JSON.stringify({ level: "info", message: m, ...f })),
  warn: (m, f) => console.warn(JSON.stringify({ level: "warn", message: m, ...f })),
  error: (m, f) => console.error(JSON.stringify({ level: "error", message: m, ...f })),
};

export function createBackendDeps(config: BackendRuntimeConfig, overrides: BackendDepsOverrides = {}): BackendDeps {
  const clients = createAwsClients(config);
  const now = overrides.now ?? Date.now;
  const managementEndpoint = config.endpoints.apigatewaymanagementapi;
  if (!managementEndpoint)
    throw new Error("no WebSocket management endpoint configured (WEBSOCKET_MANAGEMENT_ENDPOINT)");
  let debouncer: KeyedDebouncer | undefined;
  const deps: BackendDeps = {
    config,
    clients,
    stores: createStores(clients.dynamo, config.tables),
    channels:
      overrides.channels ??
      kvsSignalingChannels(clients, {
        region: config.region,
        viewerUrlExpirySeconds: config.limits.viewerUrlExpirySeconds,
        masterUrlExpirySeconds: config.limits.masterUrlExpirySeconds,
        now,
      }),
    ownerAuth: overrides.ownerAuth ?? selectOwnerAuthenticator(config.ownerAuth, cognitoJwtVerify),
    sockets: managementApiConnections(clients, managementEndpoint),
    lifecycle: overrides.lifecycle ?? createLifecycleEvents(config.lifecycleEvents, config.region),
    segmentProcessor: overrides.segmentProcessor ?? createPipelineProcessor(),
    now,
    random: overrides.random ?? Math.random,
    log: overrides.log ?? consoleLog,
    async countsChanged(sessionId) {
      if (!debouncer) {
        await publishListenerCounts(deps, sessionId);
        return;
      }
      debouncer.trigger(sessionId);
    },
    close() {
      debouncer?.cancelAll();
      clients.destroy();
    },
  };
  if (config.limits.countsDebounceMs > 0) {
    const wait = config.limits.countsDebounceMs;
    debouncer = new KeyedDebouncer(wait, wait * 4, (sessionId) =>
      publishListenerCounts(deps, sessionId).catch((err) =>
        deps.log.warn("listener counts push failed", { sessionId, error: String(err) }),
      ),
    );
  }
  return deps;
}
