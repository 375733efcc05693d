import { join } from "node:path";
import { type BackendRuntimeConfig, SessionLimits } from "@babelcast/backend/aws/runtimeConfig.js";
import { FUNCTION_SETTINGS } from "@babelcast/backend/handlers/functionSettings.js";
import { DEFAULT_TABLE_NAMES } from "@babelcast/backend/tables/definitions.js";
import { LIFECYCLE_EVENT_LOG_FILE, PATHS } from "@babelcast/protocol";
import { userPoolJwksPath } from "../cognito/userPoolService.js";
import { loadOrCreateSecretFile } from "../dataDir.js";
import type { EmbeddedContext } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { connectSources } from "../listenerPage.js";
import { RECORDINGS_SETTINGS_SECTION, RecordingsSettings } from "../s3/s3Settings.js";
import { EMBEDDED_RECOGNIZER_LANGUAGES, resolveEngineHome } from "./engineHome.js";

export const LISTENER_SECRET_FILE = "listener-token-secret";
/** Section of `D/embedded.json` with the sessions backend's limits (see SessionLimits). */
export const SESSIONS_SETTINGS_SECTION = "sessions";

export const RELAY_KEY_FILE = "relay-key";

/** The key relay agents present (the cloud keeps it in Secrets Manager); created on first start. */
export function loadOrCreateRelayKey(dataDir: string): string {
  return loadOrCreateSecretFile(dataDir, RELAY_KEY_FILE, 32);
}

/** The secret listener tokens are signed with; created on first start so tokens survive restarts. */
export function loadOrCreateListenerSecret(dataDir: string): string {
  return loadOrCreateSecretFile(dataDir, LISTENER_SECRET_FILE, 32);
}

/**
 * The handlers' runtime config in embedded mode: the SDK clients talk to this server's own
 * AWS-compatible endpoints (on loopback) with the data dir's credentials.
 */
export function embeddedRuntimeConfig(ctx: EmbeddedContext): BackendRuntimeConfig {
  const base = ctx.loopbackUrl;
  // Throws (the server does not start) when hybrid mode lacks AWS credentials.
  const engines = resolveEngineHome(ctx.settings);
  return {
    mode: "embedded",
    region: ctx.region,
    engineHome: engines.home === "aws" ? "hybrid" : "embedded",
    ...(engines.home === "aws" ? { awsTranslate: { region: engines.region, credentials: engines.credentials } } : {}),
    recognizerLanguages: EMBEDDED_RECOGNIZER_LANGUAGES,
    endpoints: {
      dynamodb: `${base}${PATHS.dynamodb}`,
      kinesisvideo: `${base}${PATHS.kinesisvideo}`,
      apigatewaymanagementapi: `${base}${PATHS.apigatewaymanagementapi}`,
      ...(engines.home === "aws" ? {} : { translate: `${base}${PATHS.translate}` }),
      transcribe: `${base}${PATHS.transcribe}`,
      polly: `${base}${PATHS.polly}`,
      lambda: `${base}${PATHS.lambda}`,
      s3: `${base}${PATHS.s3}`,
    },
    credentials: ctx.credentials,
    tables: DEFAULT_TABLE_NAMES,
    listenerTokenSecret: loadOrCreateListenerSecret(ctx.dataDir),
    relayKey: loadOrCreateRelayKey(ctx.dataDir),
    ownerAuth:
      ctx.config.auth.kind === "cognito"
        ? {
            kind: "cognito",
            userPoolId: ctx.config.auth.userPoolId,
            clientId: ctx.config.auth.userPoolClientId,
            jwksUri: `${base}${userPoolJwksPath(ctx.config.auth.userPoolId)}`,
          }
        : { kind: "owner-token", token: ctx.ownerToken },
    listenerUrl: ctx.config.listenerUrl,
    pageConnectSources: connectSources(ctx),
    webSocketUrl: ctx.config.webSocketUrl,
    // Functions publish over loopback, as they reach every other embedded service.
    captionEventsUrl: `${base}${PATHS.appsyncEvents}/event`,
    channelNamePrefix: "babelcast-",
    terminologyNamePrefix: "babelcast-",
    vocabularyNamePrefix: "babelcast-",
    poolGrowthFunctionName: FUNCTION_SETTINGS.PoolGrowthFunction.id,
    limits: settingsSection(ctx.settings, SESSIONS_SETTINGS_SECTION, SessionLimits),
    ...embeddedRecordings(ctx),
    lifecycleEvents: { kind: "file", path: join(ctx.dataDir, LIFECYCLE_EVENT_LOG_FILE) },
  };
}

/** The recordings bucket of the `recordings` settings, when one is set (uploads on). */
export function embeddedRecordings(ctx: EmbeddedContext): Pick<BackendRuntimeConfig, "recordings"> {
  const settings = settingsSection(ctx.settings, RECORDINGS_SETTINGS_SECTION, RecordingsSettings);
  return settings.bucket ? { recordings: { bucket: settings.bucket, expireDays: settings.expireDays } } : {};
}
