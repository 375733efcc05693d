import {
  type CaptionPublisher,
  httpCaptionPublisher,
  unconfiguredCaptionPublisher,
} from "../../aws/captionPublisher.js";
import { type AwsClients, createAwsClients } from "../../aws/clients.js";
import { cognitoJwtVerify } from "../../aws/cognitoJwt.js";
import { cachedEngineCatalogue, engineSettingsOf, readEngineCatalogue } from "../../aws/engineCatalogue.js";
import { createLifecycleEvents, type LifecycleEvents } from "../../aws/lifecycleEvents.js";
import { lambdaPoolGrowth, type PoolGrowth } from "../../aws/poolGrowthInvoker.js";
import { type RecordingsBucket, s3RecordingsBucket } from "../../aws/recordingsBucket.js";
import type { BackendRuntimeConfig } from "../../aws/runtimeConfig.js";
import { kvsSignalingChannels, type SignalingChannels } from "../../aws/signalingChannels.js";
import { managementApiConnections, type WebSocketConnections } from "../../aws/webSocketConnections.js";
import type { EngineCatalogue } from "../../services/languageCapabilities.js";
import { type OwnerAuthenticator, selectOwnerAuthenticator } from "../../services/ownerAuth.js";
import { createStores, type Stores } from "../../tables/stores.js";
import type { Logger } from "./logger.js";

/** Structured log lines (the embedded server's logger, or JSON on the Lambda console). */
export type BackendLog = Logger;

/**
 * Everything a handler depends on, built in one place (tests and the embedded server build the
 * real thing). Clients and configuration only: nothing here remembers one invocation for the
 * next, because the next may run in another container.
 */
export interface BackendDeps {
  readonly config: BackendRuntimeConfig;
  readonly clients: AwsClients;
  readonly stores: Stores;
  readonly channels: SignalingChannels;
  /** Adds a pool channel through the pool-growth function (the join may not create channels itself). */
  readonly poolGrowth: PoolGrowth;
  readonly ownerAuth: OwnerAuthenticator;
  /** The console's (and a listener's own) WebSocket: replies, progress, counts, channel grants. */
  readonly sockets: WebSocketConnections;
  /** Captions, partials and session status to listeners: one publish per language (the caption Event API). */
  readonly captions: CaptionPublisher;
  readonly lifecycle: LifecycleEvents;
  /** The recordings bucket; absent when the deployment has none (uploads are off). */
  readonly recordings?: RecordingsBucket;
  /**
   * What this home's engines can do per language, read from them and kept a few minutes per
   * container (engine metadata, the same for every invocation; see `aws/engineCatalogue.ts`).
   */
  engineCatalogue(): Promise<EngineCatalogue>;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly log: BackendLog;
  close(): void;
}

export interface BackendDepsOverrides {
  readonly channels?: SignalingChannels;
  readonly poolGrowth?: PoolGrowth;
  readonly ownerAuth?: OwnerAuthenticator;
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
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const random = overrides.random ?? Math.random;
  const captions = config.captionEventsUrl
    ? httpCaptionPublisher({
        url: config.captionEventsUrl,
        region: config.region,
        credentials: () => clients.credentials(),
        sleep,
        random,
      })
    : unconfiguredCaptionPublisher();
  const recordings = s3RecordingsBucket(config);
  const managementEndpoint = config.endpoints.apigatewaymanagementapi;
  if (!managementEndpoint)
    throw new Error("no WebSocket management endpoint configured (WEBSOCKET_MANAGEMENT_ENDPOINT)");
  return {
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
    poolGrowth: overrides.poolGrowth ?? lambdaPoolGrowth(clients.lambda, config.poolGrowthFunctionName),
    ownerAuth: overrides.ownerAuth ?? selectOwnerAuthenticator(config.ownerAuth, cognitoJwtVerify),
    sockets: managementApiConnections(clients, managementEndpoint),
    captions,
    lifecycle: overrides.lifecycle ?? createLifecycleEvents(config.lifecycleEvents, config.region),
    ...(recordings ? { recordings } : {}),
    engineCatalogue: cachedEngineCatalogue(
      () => readEngineCatalogue({ ...engineSettingsOf(config), translate: clients.translate, polly: clients.polly }),
      now,
    ),
    now,
    sleep,
    random,
    log: overrides.log ?? consoleLog,
    close() {
      clients.destroy();
      captions.close();
      recordings?.destroy();
    },
  };
}
