import { TranslateClient } from "@aws-sdk/client-translate";
import type { EngineClientOptions } from "./engineClientOptions.js";

/** A Translate client for AWS or the embedded Apertium endpoint: the same calls either way. */
export function createTranslateClient(options: EngineClientOptions): TranslateClient {
  return new TranslateClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
