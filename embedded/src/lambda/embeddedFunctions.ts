import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EMBEDDED_SUBSTITUTES_ENV, type EmbeddedSubstitutes } from "@babelcast/backend/aws/embeddedSubstitutes.js";
import { POOL_GROWTH_FUNCTION_NAME_ENV } from "@babelcast/backend/aws/poolGrowthInvoker.js";
import {
  CAPTION_EVENTS_URL_ENV,
  PAGE_CONNECT_SOURCES_ENV,
  RECORDINGS_BUCKET_ENV,
  RECORDINGS_EXPIRE_DAYS_ENV,
} from "@babelcast/backend/aws/runtimeConfig.js";
import { HANDLER_ENTRIES } from "@babelcast/backend/handlers/deployedFunctions.js";
import { FUNCTION_SETTINGS, handlerFile } from "@babelcast/backend/handlers/functionSettings.js";
import type { OwnerAuthConfig } from "@babelcast/backend/services/ownerAuth.js";
import { DEFAULT_TABLE_NAMES, TABLE_IDS, TABLES } from "@babelcast/backend/tables/definitions.js";
import { PATHS } from "@babelcast/protocol";
import { callersFor } from "../auth/callerDirectory.js";
import type { ResolvedCredentials } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext } from "../embeddedContext.js";
import { embeddedRecordings } from "../gateway/embeddedRuntime.js";
import { EMBEDDED_RECOGNIZER_LANGUAGES } from "../gateway/engineHome.js";
import { connectSources } from "../listenerPage.js";
import type { LambdaFunctionDefinition } from "./lambdaRuntime.js";

/** The file in the data dir with what has no cloud environment variable (see `EMBEDDED_SUBSTITUTES_ENV`). */
export const SUBSTITUTES_FILE = "lambda-substitutes.json";

/** The embedded server's values of what the stack passes to its functions. */
export interface StackEnvironment {
  readonly listenerTokenSecret: string;
  /** The relay key: given to functions with the "relayKey" capability only, as the stack gives them the secret's ARN. */
  readonly relayKey?: string;
  readonly sessionLimits: unknown;
  /** What has no cloud variable (see `EMBEDDED_SUBSTITUTES_ENV`). */
  readonly substitutes: EmbeddedSubstitutes;
}

/**
 * The variables Lambda sets in every function's environment (reserved ones), for a
 * function of `memorySize` MB. https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
function reservedVariables(
  ctx: EmbeddedContext,
  name: string,
  memorySize: number,
  role: ResolvedCredentials,
): Record<string, string> {
  return {
    AWS_REGION: ctx.region,
    AWS_DEFAULT_REGION: ctx.region,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs20.x",
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    // The function role's credentials, its own (the SDK's default chain reads them here).
    AWS_ACCESS_KEY_ID: role.accessKeyId,
    AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
    ...(role.sessionToken ? { AWS_SESSION_TOKEN: role.sessionToken } : {}),
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    NODE_OPTIONS: "--enable-source-maps",
  };
}

/**
 * Where the AWS APIs are: the SDK's service-specific endpoint variables point each client
 * at this server's endpoint. https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
function endpointVariables(ctx: EmbeddedContext, hybrid: boolean): Record<string, string> {
  const base = ctx.loopbackUrl;
  return {
    AWS_ENDPOINT_URL_DYNAMODB: `${base}${PATHS.dynamodb}`,
    AWS_ENDPOINT_URL_KINESIS_VIDEO: `${base}${PATHS.kinesisvideo}`,
    // Hybrid mode: Translate is Amazon Translate's own endpoint.
    ...(hybrid ? {} : { AWS_ENDPOINT_URL_TRANSLATE: `${base}${PATHS.translate}` }),
    AWS_ENDPOINT_URL_TRANSCRIBE: `${base}${PATHS.transcribe}`,
    AWS_ENDPOINT_URL_POLLY: `${base}${PATHS.polly}`,
    AWS_ENDPOINT_URL_LAMBDA: `${base}${PATHS.lambda}`,
    AWS_ENDPOINT_URL_S3: `${base}${PATHS.s3}`,
  };
}

/**
 * The stack always names its user pool; with the data dir's owner token there is none, and
 * the substitutes file says so (these values are then never used).
 */
function userPoolVariables(ownerAuth: OwnerAuthConfig): Record<string, string> {
  return ownerAuth.kind === "cognito"
    ? { USER_POOL_ID: ownerAuth.userPoolId, USER_POOL_CLIENT_ID: ownerAuth.clientId }
    : { USER_POOL_ID: "none-owner-token-sign-in", USER_POOL_CLIENT_ID: "none-owner-token-sign-in" };
}

/** The variables `infra/lib/babelcastStack.ts` gives every function, with the embedded server's values. */
function stackVariables(ctx: EmbeddedContext, stack: StackEnvironment, substitutesFile: string) {
  return {
    ...Object.fromEntries(TABLE_IDS.map((id) => [TABLES[id].envVar, DEFAULT_TABLE_NAMES[id]])),
    ...userPoolVariables(stack.substitutes.ownerAuth),
    LISTENER_TOKEN_SECRET: stack.listenerTokenSecret,
    LISTENER_URL: ctx.config.listenerUrl,
    [PAGE_CONNECT_SOURCES_ENV]: connectSources(ctx).join(" "),
    WEBSOCKET_URL: ctx.config.webSocketUrl,
    WEBSOCKET_MANAGEMENT_ENDPOINT: `${ctx.loopbackUrl}${PATHS.apigatewaymanagementapi}`,
    CHANNEL_NAME_PREFIX: "babelcast-",
    TERMINOLOGY_NAME_PREFIX: "babelcast-",
    VOCABULARY_NAME_PREFIX: "babelcast-",
    // The embedded runtime names functions by their id (the stack passes the deployed name).
    [POOL_GROWTH_FUNCTION_NAME_ENV]: FUNCTION_SETTINGS.PoolGrowthFunction.id,
    SESSION_LIMITS: JSON.stringify(stack.sessionLimits),
    // What the embedded recognizer hears (Transcribe has no list API; the cloud takes its documented table).
    RECOGNIZER_LANGUAGES: EMBEDDED_RECOGNIZER_LANGUAGES.join(","),
    [EMBEDDED_SUBSTITUTES_ENV]: substitutesFile,
  };
}

/** Writes the substitutes file (the owner token may be inside: readable by this user only) and returns its path. */
export function writeSubstitutesFile(dataDir: string, substitutes: EmbeddedSubstitutes): string {
  const file = join(dataDir, SUBSTITUTES_FILE);
  writeFileSync(file, JSON.stringify(substitutes), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/**
 * Every backend function, as the stack deploys it (one per row of the deployed-function table:
 * the HTTP API's owner and listener routes are two functions with two roles), for the embedded
 * Lambda runtime; each with its own credentials, which may call only what its role allows.
 */
export function embeddedFunctions(ctx: EmbeddedContext, stack: StackEnvironment): LambdaFunctionDefinition[] {
  const substitutesFile = writeSubstitutesFile(ctx.dataDir, stack.substitutes);
  const callers = callersFor(ctx);
  return HANDLER_ENTRIES.map((entry) => ({
    name: entry.id,
    entry: handlerFile(entry),
    memorySize: entry.memorySize,
    timeoutSeconds: entry.timeoutSeconds,
    environment: {
      ...reservedVariables(ctx, entry.id, entry.memorySize, callers.functionCredentials(entry.id)),
      ...endpointVariables(ctx, stack.substitutes.awsTranslate !== undefined),
      ...stackVariables(ctx, stack, substitutesFile),
      // As the stack: only functions whose role may publish captions are told where.
      ...(entry.capabilities.includes("publishCaptions")
        ? { [CAPTION_EVENTS_URL_ENV]: `${ctx.loopbackUrl}${PATHS.appsyncEvents}/event` }
        : {}),
      // As the stack: the recordings bucket is named only to functions that presign its URLs.
      ...(entry.capabilities.includes("recordingUploads") ? recordingsVariables(ctx) : {}),
      ...(entry.capabilities.includes("relayKey") && stack.relayKey ? { RELAY_KEY: stack.relayKey } : {}),
    },
  }));
}

/** The recordings bucket's variables, when the `recordings` settings name one (else uploads are off). */
function recordingsVariables(ctx: EmbeddedContext): Record<string, string> {
  const recordings = embeddedRecordings(ctx).recordings;
  return recordings
    ? { [RECORDINGS_BUCKET_ENV]: recordings.bucket, [RECORDINGS_EXPIRE_DAYS_ENV]: String(recordings.expireDays) }
    : {};
}
