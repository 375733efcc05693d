import { readFileSync } from "node:fs";
import { z } from "zod";
import type { OwnerAuthConfig } from "../services/ownerAuth.js";
import type { LifecycleEventsConfig } from "./lifecycleEvents.js";
import type { BackendRuntimeConfig } from "./runtimeConfig.js";

/**
 * Set only by the embedded server's Lambda runtime, never by the stack: the path of a JSON
 * file (in the data dir) with the settings that have no cloud environment variable.
 * Everything else reaches an embedded function through the same variables the stack sets,
 * so `runtimeConfigFromEnv` runs as in the cloud. A file and not more variables because
 * these replace whole cloud services (Cognito sign-in, the EventBridge bus), and it keeps
 * the console owner token (and, in hybrid mode, the AWS credentials for Amazon Translate)
 * out of the function's environment listing.
 */
export const EMBEDDED_SUBSTITUTES_ENV = "BABELCAST_EMBEDDED_SUBSTITUTES_FILE";

const EmbeddedSubstitutesFile = z.object({
  /** The data dir's console owner token, or the embedded user pool (its own issuer and keys), instead of Cognito's. */
  ownerAuth: z.looseObject({ kind: z.enum(["owner-token", "cognito"]) }),
  /** A log file in the data dir instead of the EventBridge bus. */
  lifecycleEvents: z.object({ kind: z.literal("file"), path: z.string().min(1) }),
  /** Hybrid mode: Amazon Translate's Region and the AWS credentials for it (absent: the offline engines). */
  awsTranslate: z
    .object({
      region: z.string().min(1),
      credentials: z.object({
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
        sessionToken: z.string().optional(),
      }),
    })
    .optional(),
});

export interface EmbeddedSubstitutes {
  readonly ownerAuth: OwnerAuthConfig;
  readonly lifecycleEvents: LifecycleEventsConfig;
  readonly awsTranslate?: BackendRuntimeConfig["awsTranslate"];
}

/** The config as the stack's environment gives it, with the embedded substitutes when the runtime names a file. */
export function withEmbeddedSubstitutes(
  config: BackendRuntimeConfig,
  env: NodeJS.ProcessEnv = process.env,
): BackendRuntimeConfig {
  const file = env[EMBEDDED_SUBSTITUTES_ENV];
  if (!file) return config;
  // The embedded server wrote it from the same config type; the schema checks its shape, not every field.
  const substitutes = EmbeddedSubstitutesFile.parse(JSON.parse(readFileSync(file, "utf8"))) as EmbeddedSubstitutes;
  // Descriptors, not a spread: a function without the listener-token secret holds a getter that throws.
  return Object.defineProperties(Object.create(null), {
    ...Object.getOwnPropertyDescriptors(config),
    mode: { value: "embedded", enumerable: true },
    ownerAuth: { value: substitutes.ownerAuth, enumerable: true },
    lifecycleEvents: { value: substitutes.lifecycleEvents, enumerable: true },
    engineHome: { value: substitutes.awsTranslate ? "hybrid" : "embedded", enumerable: true },
    ...(substitutes.awsTranslate ? { awsTranslate: { value: substitutes.awsTranslate, enumerable: true } } : {}),
  }) as BackendRuntimeConfig;
}
