import { PollyClient } from "@aws-sdk/client-polly";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { EngineClientOptions } from "./engineClientOptions.js";

/**
 * A Polly client for AWS or the embedded eSpeak NG endpoint. The v3 Polly client defaults
 * to an HTTP/2 handler (for its bidirectional speech stream); SynthesizeSpeech is plain
 * request/response, which AWS serves over HTTP/1.1 too, and the embedded server speaks
 * only HTTP/1.1. So both homes get the HTTP/1.1 handler: one code path.
 */
export function createPollyClient(options: EngineClientOptions): PollyClient {
  return new PollyClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30_000 }),
  });
}
