import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { KinesisVideoSignalingClient } from "@aws-sdk/client-kinesis-video-signaling";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { PollyClient } from "@aws-sdk/client-polly";
import { TranscribeClient } from "@aws-sdk/client-transcribe";
import type { TranslateClient } from "@aws-sdk/client-translate";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsCredentialIdentity } from "@smithy/types";
import { createPollyClient } from "./pollyClient.js";
import type { BackendRuntimeConfig } from "./runtimeConfig.js";
import { createTranslateClient } from "./translateClient.js";

/** The SDK clients the sessions backend uses, all built from one runtime config. */
export interface AwsClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly kinesisVideo: KinesisVideoClient;
  /** One attempt per call: the segment journey retries per language with backoff. */
  readonly translate: TranslateClient;
  /** Custom vocabularies of session glossaries (streaming is the console's). */
  readonly transcribe: TranscribeClient;
  /** Voice lists (DescribeVoices) for the engine catalogue; the console synthesizes. */
  readonly polly: PollyClient;
  /** Invokes the backend's other functions (the join has the pool-growth function add a channel). */
  readonly lambda: LambdaClient;
  /** Signaling data-plane client for a channel's HTTPS endpoint (cached per endpoint). */
  signaling(endpoint: string): KinesisVideoSignalingClient;
  /** Management API client for a WebSocket API endpoint (cached per endpoint). */
  management(endpoint: string): ApiGatewayManagementApiClient;
  /** Resolved credentials, for presigning signaling URLs. */
  credentials(): Promise<AwsCredentialIdentity>;
  destroy(): void;
}

export function createAwsClients(config: BackendRuntimeConfig): AwsClients {
  const base = {
    region: config.region,
    ...(config.credentials ? { credentials: config.credentials } : {}),
  };
  const dynamoClient = new DynamoDBClient({
    ...base,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
  });
  const dynamo = DynamoDBDocumentClient.from(dynamoClient, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const kinesisVideo = new KinesisVideoClient({
    ...base,
    ...(config.endpoints.kinesisvideo ? { endpoint: config.endpoints.kinesisvideo } : {}),
  });
  // Hybrid mode: Amazon Translate itself, with the AWS credentials (no embedded endpoint).
  const translate = createTranslateClient(
    config.awsTranslate
      ? { ...config.awsTranslate, maxAttempts: 1 }
      : { ...base, maxAttempts: 1, ...(config.endpoints.translate ? { endpoint: config.endpoints.translate } : {}) },
  );
  const transcribe = new TranscribeClient({
    ...base,
    ...(config.endpoints.transcribe ? { endpoint: config.endpoints.transcribe } : {}),
  });
  const polly = createPollyClient({
    ...base,
    ...(config.endpoints.polly ? { endpoint: config.endpoints.polly } : {}),
  });
  const lambda = new LambdaClient({
    ...base,
    ...(config.endpoints.lambda ? { endpoint: config.endpoints.lambda } : {}),
  });
  const signalingClients = new Map<string, KinesisVideoSignalingClient>();
  const managementClients = new Map<string, ApiGatewayManagementApiClient>();
  return {
    dynamo,
    kinesisVideo,
    translate,
    transcribe,
    polly,
    lambda,
    signaling(endpoint) {
      let c = signalingClients.get(endpoint);
      if (!c) {
        c = new KinesisVideoSignalingClient({ ...base, endpoint });
        signalingClients.set(endpoint, c);
      }
      return c;
    },
    management(endpoint) {
      let c = managementClients.get(endpoint);
      if (!c) {
        // Fan-out meets throttling (LimitExceededException) under load: retry a little longer.
        c = new ApiGatewayManagementApiClient({ ...base, endpoint, maxAttempts: 5 });
        managementClients.set(endpoint, c);
      }
      return c;
    },
    async credentials() {
      const provider = kinesisVideo.config.credentials;
      return provider();
    },
    destroy() {
      dynamoClient.destroy();
      kinesisVideo.destroy();
      translate.destroy();
      transcribe.destroy();
      polly.destroy();
      lambda.destroy();
      for (const c of signalingClients.values()) c.destroy();
      for (const c of managementClients.values()) c.destroy();
    },
  };
}
