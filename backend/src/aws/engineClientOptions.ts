import type { AwsCredentialIdentity } from "@smithy/types";

/** Where an engine client points: AWS itself (no endpoint) or an embedded AWS-compatible endpoint. */
export interface EngineClientOptions {
  readonly region: string;
  /** e.g. the config document's `endpoints.translate`; absent for AWS. */
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity;
  /** SDK attempts per call (the pipeline retries per language on top; 1 leaves retrying to it). */
  readonly maxAttempts?: number;
}
