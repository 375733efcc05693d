import { LANGUAGES } from "@babelcast/protocol";
import { z } from "zod";
import { type EmbeddedSettings, settingsSection } from "../embeddedSettings.js";
import { SUPPORTED_LANGUAGES } from "../transcribe/streamParams.js";

/**
 * Where the backend's engines run (the `engines` section of `D/embedded.json`): the embedded
 * server's offline engines (default), or AWS's Translate, Polly and Transcribe ("hybrid
 * mode": everything else stays on this machine). Hybrid needs AWS credentials in the
 * server's environment; without them the server refuses to start rather than fail mid-talk.
 */
export const ENGINES_SETTINGS_SECTION = "engines";

export const EngineSettings = z
  .object({
    home: z.enum(["embedded", "aws"]).default("embedded"),
    /** The AWS Region of the engines in hybrid mode; default: AWS_REGION or AWS_DEFAULT_REGION. */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS Region such as eu-west-1")
      .optional(),
  })
  .strict();
export type EngineSettings = z.infer<typeof EngineSettings>;

export interface AwsEngineCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type EngineHomeConfig =
  | { readonly home: "embedded" }
  | { readonly home: "aws"; readonly region: string; readonly credentials: AwsEngineCredentials };

/** The product languages the embedded recognizer hears (pocketsphinx's en-US model). */
export const EMBEDDED_RECOGNIZER_LANGUAGES: readonly string[] = [...LANGUAGES.values()]
  .filter((l) => l.transcribe !== null && (SUPPORTED_LANGUAGES as readonly string[]).includes(l.transcribe))
  .map((l) => l.code);

/**
 * Reads the `engines` section; for hybrid mode, the AWS credentials and Region from the
 * environment (the SDK's own variables). Throws a message that says what to set.
 */
export function resolveEngineHome(settings: EmbeddedSettings, env: NodeJS.ProcessEnv = process.env): EngineHomeConfig {
  const section = settingsSection(settings, ENGINES_SETTINGS_SECTION, EngineSettings);
  if (section.home === "embedded") return { home: "embedded" };
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'settings section "engines" sets home "aws" (hybrid mode), but no AWS credentials are configured: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) in the server\'s environment, or remove "engines" from embedded.json to use the offline engines',
    );
  }
  const region = section.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new Error(
      'settings section "engines" sets home "aws" (hybrid mode), but names no AWS Region: set engines.region in embedded.json or AWS_REGION in the server\'s environment',
    );
  }
  return {
    home: "aws",
    region,
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  };
}
