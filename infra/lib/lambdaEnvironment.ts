import { LISTENER_TOKEN_SECRET_ARN_ENV } from "../../backend/src/aws/listenerTokenSecret.js";
import { POOL_GROWTH_FUNCTION_NAME_ENV } from "../../backend/src/aws/poolGrowthInvoker.js";
import {
  PAGE_CONNECT_SOURCES_ENV,
  RECORDINGS_BUCKET_ENV,
  RECORDINGS_EXPIRE_DAYS_ENV,
  RELAY_KEY_SECRET_ARN_ENV,
} from "../../backend/src/aws/runtimeConfig.js";
import { TABLE_IDS, TABLES } from "../../backend/src/tables/definitions.js";

/**
 * Set only on functions with the "publishCaptions" capability: the caption Event API's HTTP
 * publish URL, `https://<http-domain>/event` (the backend signs its POSTs with SigV4).
 */
export { CAPTION_EVENTS_URL_ENV } from "../../backend/src/aws/runtimeConfig.js";
/** Set only on functions with the "listenerTokens" capability: the secret's ARN, never its value. */
/** Set only on functions with the "invokePoolGrowth" capability: the pool-growth function's name. */
/**
 * Set only on functions with the "recordingUploads" capability: the recordings bucket and its expiry
 * days. Set only on functions with the "relayKey" capability: the relay key secret's ARN, never its
 * value (read with `readSecretString` of backend/src/aws/listenerTokenSecret.ts).
 */
export {
  LISTENER_TOKEN_SECRET_ARN_ENV,
  POOL_GROWTH_FUNCTION_NAME_ENV,
  RECORDINGS_BUCKET_ENV,
  RECORDINGS_EXPIRE_DAYS_ENV,
  RELAY_KEY_SECRET_ARN_ENV,
};

/**
 * Names of the environment variables the stack gives every backend function (no secret
 * values: those are read from Secrets Manager). The handlers
 * read them in `backend/src/aws/runtimeConfig.ts` (`runtimeConfigFromEnv`); the table
 * variables come from the shared table definitions.
 */
export const LAMBDA_ENV = {
  userPoolId: "USER_POOL_ID",
  userPoolClientId: "USER_POOL_CLIENT_ID",
  listenerUrl: "LISTENER_URL",
  /** Space-separated origins of the listener site's CSP `connect-src` (the embed page's CSP names them too). */
  pageConnectSources: PAGE_CONNECT_SOURCES_ENV,
  webSocketUrl: "WEBSOCKET_URL",
  /** `https://{api}.execute-api.{region}.amazonaws.com/{stage}`: the Management API endpoint. */
  webSocketManagementEndpoint: "WEBSOCKET_MANAGEMENT_ENDPOINT",
  channelNamePrefix: "CHANNEL_NAME_PREFIX",
  /** Prefix of the Translate custom terminologies made from session glossaries. */
  terminologyNamePrefix: "TERMINOLOGY_NAME_PREFIX",
  vocabularyNamePrefix: "VOCABULARY_NAME_PREFIX",
  /** EventBridge bus for session lifecycle events (`@babelcast/protocol` lifecycleEvents). */
  eventBusName: "EVENT_BUS_NAME",
  /** Optional JSON overriding the session limits (joins per IP, sessions per owner, ...). */
  sessionLimits: "SESSION_LIMITS",
} as const;

/** Environment variable of each table, from `backend/src/tables/definitions.ts`. */
export const TABLE_ENV_VARS: readonly string[] = TABLE_IDS.map((id) => TABLES[id].envVar);
