import { z } from "zod";
import type { EngineHome } from "../services/languageCapabilities.js";
import type { OwnerAuthConfig } from "../services/ownerAuth.js";
import { DEFAULT_TABLE_NAMES, TABLE_IDS, TABLES, type TableNames } from "../tables/definitions.js";
import { AWS_RECOGNIZER_LANGUAGES } from "./engineCatalogue.js";
import type { LifecycleEventsConfig } from "./lifecycleEvents.js";
import { LISTENER_TOKEN_SECRET_ARN_ENV, readSecretString, type SecretReader } from "./listenerTokenSecret.js";
import { POOL_GROWTH_FUNCTION_NAME_ENV } from "./poolGrowthInvoker.js";

/** Limits and timings of the sessions backend; every one has a sensible default. */
export const SessionLimits = z.object({
  joinsPerIpPerMinute: z.number().int().min(1).default(300),
  sessionsPerOwnerPerHour: z.number().int().min(1).default(60),
  /** KVS admits 10 viewers per signaling channel (soft limit). */
  viewersPerChannel: z.number().int().min(1).max(100).default(10),
  /** Presigned viewer URLs; KVS's own signer uses 299 s. At most 5 minutes. */
  viewerUrlExpirySeconds: z.number().int().min(10).max(300).default(299),
  masterUrlExpirySeconds: z.number().int().min(10).max(3600).default(299),
  listenerTokenTtlSeconds: z.number().int().min(30).max(86_400).default(900),
  /** How long an expired listener token still proves who rejoins (its old slot back). */
  rejoinWindowSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(12 * 3600),
  /**
   * Listener slots the console masters itself (lowest latency); past them, relays master the
   * new pool channels (docs/relays.md). The audio capacity still caps the total.
   */
  directCapacity: z.number().int().min(0).max(10_000).default(10),
  /** A relay whose last heartbeat is older than this is dead: no new listeners, its listeners rejoin elsewhere. */
  relayDeadAfterSeconds: z.number().int().min(2).max(60).default(5),
  /** How long a disconnected listener's audio slot stays reserved for it. */
  slotGraceSeconds: z.number().int().min(0).max(3600).default(120),
  /** Largest HTTP request body. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(1024 * 1024),
  /** Quiet time before listener counts go to the console (0: push at once). */
  countsDebounceMs: z.number().int().min(0).max(10_000).default(250),
  /**
   * Longest a caption waits while no earlier segment of its language goes out (the caption
   * order's bound, for a segment lost on the way). 4 s covers a translation with its retries.
   */
  captionOrderWaitMs: z.number().int().min(100).max(60_000).default(4000),
});
export type SessionLimits = z.infer<typeof SessionLimits>;

/**
 * Everything the handlers need to know about where they run. Built from the embedded
 * server's context (data dir, config document) or from a Lambda function's environment.
 */
export interface BackendRuntimeConfig {
  readonly mode: "embedded" | "aws";
  readonly region: string;
  /** SDK endpoint overrides (embedded mode; absent entries use AWS's). */
  readonly endpoints: {
    readonly dynamodb?: string;
    readonly kinesisvideo?: string;
    readonly apigatewaymanagementapi?: string;
    readonly translate?: string;
    readonly transcribe?: string;
    readonly polly?: string;
    readonly lambda?: string;
    /** S3 (the recordings bucket); an override is addressed path-style (`{endpoint}/{bucket}/{key}`). */
    readonly s3?: string;
  };
  /** Static credentials (embedded); absent: the default provider chain (Lambda role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Where Translate, Polly and Transcribe run (see `EngineHome`). Absent: "aws" in mode "aws",
   * else "embedded".
   */
  readonly engineHome?: EngineHome;
  /** Hybrid mode: Amazon Translate itself, with AWS credentials and Region instead of the embedded ones. */
  readonly awsTranslate?: {
    readonly region: string;
    readonly credentials: {
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
    };
  };
  /**
   * Product language codes the recognizer hears (Transcribe has no list API): the function's
   * `RECOGNIZER_LANGUAGES` (comma-separated), else Transcribe's documented languages.
   */
  readonly recognizerLanguages?: readonly string[];
  readonly tables: TableNames;
  readonly listenerTokenSecret: string;
  /**
   * The deployment's relay key: relay agents present it on the relay routes. Only the relay
   * function has it (cloud: Secrets Manager, read at init; embedded: the data dir's file).
   */
  readonly relayKey?: string;
  readonly ownerAuth: OwnerAuthConfig;
  /** Base URL of listener pages; `${listenerUrl}/s/{id}`. */
  readonly listenerUrl: string;
  /**
   * Origins the listener site's pages connect to (the same list as the site's CSP): the embed
   * page served by the API names them in its own CSP. Absent: its own origin and the site's only.
   */
  readonly pageConnectSources?: readonly string[];
  /** WebSocket API URL handed to listeners and the console. */
  readonly webSocketUrl: string;
  /**
   * The caption Event API's HTTP publish URL (`https://<http-domain>/event`; embedded: the
   * loopback `/aws/appsync-events/event`): captions, partials and session status are published
   * there, once per language.
   */
  /** The caption Event API's HTTP publish URL: set only on functions that publish (capability "publishCaptions"). */
  readonly captionEventsUrl?: string;
  /** Prefix of the KVS channel names this deployment creates. */
  readonly channelNamePrefix: string;
  /** Prefix of the Translate terminology names (session glossaries) this deployment imports. */
  readonly terminologyNamePrefix: string;
  /** Prefix of the Transcribe vocabulary names (session glossaries) this deployment creates. */
  readonly vocabularyNamePrefix: string;
  /** The function that adds pool channels for the join; absent on functions that may not invoke it. */
  readonly poolGrowthFunctionName?: string;
  readonly limits: SessionLimits;
  /**
   * The recordings bucket, when the deployment has one (functions with the "recordingUploads"
   * capability only): uploads are on, and its lifecycle rule deletes recordings after `expireDays`.
   */
  readonly recordings?: { readonly bucket: string; readonly expireDays: number };
  /** Where session lifecycle events go. */
  readonly lifecycleEvents: LifecycleEventsConfig;
}

/** Space-separated origins of the listener site's CSP `connect-src`, for the embed page's own CSP. */
export const PAGE_CONNECT_SOURCES_ENV = "PAGE_CONNECT_SOURCES";

/** The recordings bucket's name, and the days its lifecycle rule keeps a recording (functions that presign uploads). */
export const RECORDINGS_BUCKET_ENV = "RECORDINGS_BUCKET";
export const RECORDINGS_EXPIRE_DAYS_ENV = "RECORDINGS_EXPIRE_DAYS";
/** The SDK's service-specific endpoint variable for S3 (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). */
const S3_ENDPOINT_ENV = "AWS_ENDPOINT_URL_S3";

/** The recordings settings from a function's environment; absent when it was given no bucket. */
function recordingsFromEnv(env: NodeJS.ProcessEnv): BackendRuntimeConfig["recordings"] {
  const bucket = env[RECORDINGS_BUCKET_ENV];
  if (!bucket) return undefined;
  const expireDays = Number(env[RECORDINGS_EXPIRE_DAYS_ENV] ?? 30);
  if (!Number.isInteger(expireDays) || expireDays < 1) {
    throw new Error(`${RECORDINGS_EXPIRE_DAYS_ENV} must be a whole number of days (1 or more)`);
  }
  return { bucket, expireDays };
}

/** The environment variable the stack sets to the caption Event API's HTTP publish URL. */
export const CAPTION_EVENTS_URL_ENV = "CAPTION_EVENTS_URL";

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`environment variable ${name} is not set: the stack must pass it to the function`);
  return v;
}

/**
 * A function that was not given the listener-token secret (least privilege: only the
 * functions that sign or check tokens may read it) fails loudly if it ever reaches for it,
 * instead of signing with an empty key.
 */
function withoutListenerTokenSecret(config: Omit<BackendRuntimeConfig, "listenerTokenSecret">): BackendRuntimeConfig {
  return Object.defineProperty({ ...config }, "listenerTokenSecret", {
    enumerable: true,
    get(): never {
      throw new Error(
        `this function has no listener-token secret: give it the "listenerTokens" capability (infra/lib/handlerEntries.ts) so the stack sets ${LISTENER_TOKEN_SECRET_ARN_ENV}`,
      );
    },
  }) as BackendRuntimeConfig;
}

/**
 * A Lambda function's configuration, read at init: its environment (set by the CDK stack)
 * and, when the stack gave it the secret's ARN, the listener-token key from Secrets Manager.
 */
export async function loadLambdaRuntimeConfig(
  env: NodeJS.ProcessEnv = process.env,
  readSecret: SecretReader = readSecretString,
): Promise<BackendRuntimeConfig> {
  const secretArn = env[LISTENER_TOKEN_SECRET_ARN_ENV];
  const relayKeyArn = env[RELAY_KEY_SECRET_ARN_ENV];
  const region = env.AWS_REGION ?? required(env, "AWS_DEFAULT_REGION");
  return runtimeConfigFromEnv(
    env,
    secretArn ? await readSecret(secretArn, region) : undefined,
    relayKeyArn ? await readSecret(relayKeyArn, region) : env.RELAY_KEY,
  );
}

/** The environment variable the stack sets to the relay key secret's ARN (the relay function only). */
export const RELAY_KEY_SECRET_ARN_ENV = "RELAY_KEY_SECRET_ARN";

/**
 * A Lambda function's configuration from its environment. The listener-token key comes as
 * an argument (read from Secrets Manager); `LISTENER_TOKEN_SECRET` in the environment is
 * only for running the entry points outside Lambda: the stack never sets it.
 */
export function runtimeConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  listenerTokenSecret: string | undefined = env.LISTENER_TOKEN_SECRET,
  relayKey: string | undefined = env.RELAY_KEY,
): BackendRuntimeConfig {
  const tables = Object.fromEntries(
    TABLE_IDS.map((id) => [id, env[TABLES[id].envVar] ?? DEFAULT_TABLE_NAMES[id]]),
  ) as TableNames;
  const limits = SessionLimits.parse(env.SESSION_LIMITS ? JSON.parse(env.SESSION_LIMITS) : {});
  const recordings = recordingsFromEnv(env);
  const config = {
    mode: "aws" as const,
    region: env.AWS_REGION ?? required(env, "AWS_DEFAULT_REGION"),
    endpoints: {
      ...(env.WEBSOCKET_MANAGEMENT_ENDPOINT ? { apigatewaymanagementapi: env.WEBSOCKET_MANAGEMENT_ENDPOINT } : {}),
      ...(env[S3_ENDPOINT_ENV] ? { s3: env[S3_ENDPOINT_ENV] } : {}),
    },
    tables,
    ownerAuth: {
      kind: "cognito" as const,
      userPoolId: required(env, "USER_POOL_ID"),
      clientId: required(env, "USER_POOL_CLIENT_ID"),
    },
    listenerUrl: required(env, "LISTENER_URL"),
    ...(env[PAGE_CONNECT_SOURCES_ENV] ? { pageConnectSources: env[PAGE_CONNECT_SOURCES_ENV].split(" ") } : {}),
    webSocketUrl: required(env, "WEBSOCKET_URL"),
    ...(env[CAPTION_EVENTS_URL_ENV] ? { captionEventsUrl: env[CAPTION_EVENTS_URL_ENV] } : {}),
    recognizerLanguages: env.RECOGNIZER_LANGUAGES
      ? env.RECOGNIZER_LANGUAGES.split(",").map((c) => c.trim())
      : AWS_RECOGNIZER_LANGUAGES,
    channelNamePrefix: env.CHANNEL_NAME_PREFIX ?? "babelcast-",
    terminologyNamePrefix: env.TERMINOLOGY_NAME_PREFIX ?? "babelcast-",
    vocabularyNamePrefix: env.VOCABULARY_NAME_PREFIX ?? "babelcast-",
    ...(env[POOL_GROWTH_FUNCTION_NAME_ENV] ? { poolGrowthFunctionName: env[POOL_GROWTH_FUNCTION_NAME_ENV] } : {}),
    limits: { ...limits, countsDebounceMs: 0 },
    ...(recordings ? { recordings } : {}),
    // RELAY_KEY only outside Lambda (the embedded runtime): the stack passes the secret's ARN instead.
    ...(relayKey ? { relayKey } : {}),
    lifecycleEvents: (env.EVENT_BUS_NAME
      ? { kind: "eventbridge", busName: env.EVENT_BUS_NAME }
      : { kind: "none" }) satisfies LifecycleEventsConfig,
  };
  return listenerTokenSecret ? { ...config, listenerTokenSecret } : withoutListenerTokenSecret(config);
}
