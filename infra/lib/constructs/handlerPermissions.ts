import { RECORDINGS_PREFIX } from "@babelcast/protocol";
import { Aws } from "aws-cdk-lib";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import {
  CAPABILITY_GRANTS,
  type Capability,
  type GrantResource,
} from "../../../backend/src/permissions/permissionTable.js";

/** The permission table lives in the backend, which the embedded server's authorization also reads. */
export { CAPABILITY_GRANTS, type Grant, type GrantResource } from "../../../backend/src/permissions/permissionTable.js";

export interface PermissionTargets {
  /** Every KVS signaling channel this deployment creates is named with this prefix. */
  readonly channelNamePrefix: string;
  readonly terminologyNamePrefix: string;
  readonly vocabularyNamePrefix: string;
  readonly webSocketApiId: string;
  readonly webSocketStageName: string;
  readonly eventBus: IEventBus;
  readonly listenerTokenSecret: ISecret;
  /** The relay key (relay agents present it on the relay routes). */
  readonly relayKeySecret: ISecret;
  /** The pool-growth function's ARN; absent when the stack deploys no such function. */
  readonly poolGrowthFunctionArn?: string;
  /** `arn:aws:appsync:<region>:<account>:apis/<apiId>/channelNamespace/captions`. */
  readonly captionNamespaceArn: string;
  /** The recordings bucket's ARN. */
  readonly recordingsBucketArn: string;
}

/** `channel/{name}/{creation time}`: the name prefix scopes the statement to this deployment. */
export function channelArnPattern(prefix: string): string {
  return `arn:${Aws.PARTITION}:kinesisvideo:${Aws.REGION}:${Aws.ACCOUNT_ID}:channel/${prefix}*/*`;
}

export function terminologyArnPattern(prefix: string): string {
  return `arn:${Aws.PARTITION}:translate:${Aws.REGION}:${Aws.ACCOUNT_ID}:terminology/${prefix}*`;
}

/**
 * `vocabulary/{name}`: Transcribe's vocabulary actions take the vocabulary resource type
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html).
 */
export function vocabularyArnPattern(prefix: string): string {
  return `arn:${Aws.PARTITION}:transcribe:${Aws.REGION}:${Aws.ACCOUNT_ID}:vocabulary/${prefix}*`;
}

/**
 * `vocabularyfilter/{name}`: the vocabulary filter actions take the vocabularyfilter resource type
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html).
 * Session filters share the vocabularies' name prefix (a filter and a vocabulary are separate namespaces).
 */
export function vocabularyFilterArnPattern(prefix: string): string {
  return `arn:${Aws.PARTITION}:transcribe:${Aws.REGION}:${Aws.ACCOUNT_ID}:vocabularyfilter/${prefix}*`;
}

/** POST, GET and DELETE on `@connections` of this API's stage only. */
export function connectionsArn(apiId: string, stageName: string): string {
  return `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${apiId}/${stageName}/*/@connections/*`;
}

export function grantResourceArn(resource: GrantResource, targets: PermissionTargets): string {
  switch (resource) {
    case "kvsChannels":
      return channelArnPattern(targets.channelNamePrefix);
    case "connections":
      return connectionsArn(targets.webSocketApiId, targets.webSocketStageName);
    case "terminologies":
      return terminologyArnPattern(targets.terminologyNamePrefix);
    case "vocabularies":
      return vocabularyArnPattern(targets.vocabularyNamePrefix);
    case "vocabularyFilters":
      return vocabularyFilterArnPattern(targets.vocabularyNamePrefix);
    case "eventBus":
      return targets.eventBus.eventBusArn;
    case "listenerTokenSecret":
      return targets.listenerTokenSecret.secretArn;
    case "relayKeySecret":
      return targets.relayKeySecret.secretArn;
    case "poolGrowthFunction":
      if (!targets.poolGrowthFunctionArn) {
        throw new Error("the invokePoolGrowth capability needs the PoolGrowthFunction entry in the stack's handlers");
      }
      return targets.poolGrowthFunctionArn;
    case "captionNamespace":
      return targets.captionNamespaceArn;
    case "recordingObjects":
      return `${targets.recordingsBucketArn}/${RECORDINGS_PREFIX}*`;
    case "recordingsBucket":
      return targets.recordingsBucketArn;
    case "any":
      return "*";
  }
}

/** The IAM statements one capability needs, each on the narrowest resources the service allows. */
export function capabilityStatements(capability: Capability, targets: PermissionTargets): PolicyStatement[] {
  return CAPABILITY_GRANTS[capability].map(
    (grant) =>
      new PolicyStatement({
        actions: [...grant.actions],
        resources: [grantResourceArn(grant.on, targets)],
        // ListBucket on the recordings bucket lists `recordings/` only
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
        ...(grant.on === "recordingsBucket"
          ? { conditions: { StringLike: { "s3:prefix": [`${RECORDINGS_PREFIX}*`] } } }
          : {}),
      }),
  );
}

/** Every action the capabilities grant (for tests and the docs' table). */
export function capabilityActions(capabilities: readonly Capability[]): string[] {
  return [...new Set(capabilities.flatMap((c) => CAPABILITY_GRANTS[c].flatMap((g) => g.actions)))].sort();
}

export function grantCapabilities(
  grantee: IGrantable,
  capabilities: readonly Capability[],
  targets: PermissionTargets,
): void {
  for (const capability of capabilities) {
    for (const statement of capabilityStatements(capability, targets))
      grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}

/** Why each wildcard resource is as narrow as the service allows (cdk-nag IAM5 reasons). */
export const WILDCARD_REASONS: Readonly<
  Record<
    Exclude<
      GrantResource,
      | "eventBus"
      | "listenerTokenSecret"
      | "relayKeySecret"
      | "poolGrowthFunction"
      | "captionNamespace"
      | "recordingsBucket"
    >,
    string
  >
> = {
  kvsChannels:
    "KVS channel ARNs end in a creation time unknown in advance; the ARN is pinned to this deployment's channel-name prefix.",
  connections: "Connection ids are assigned at run time; the ARN is pinned to this API and stage.",
  terminologies: "Session glossaries become terminologies named at run time; the ARN is pinned to the prefix.",
  vocabularies: "Session glossaries become vocabularies named at run time; the ARN is pinned to the prefix.",
  vocabularyFilters: "Session word lists become vocabulary filters named at run time; the ARN is pinned to the prefix.",
  recordingObjects:
    "Recordings are objects named at run time (session, language, start); the ARN is pinned to the recordings bucket's recordings/ prefix.",
  any: "translate:TranslateText without a terminology, translate:ListTerminologies, translate:ListLanguages, transcribe:ListVocabularies, transcribe:ListVocabularyFilters, polly:DescribeVoices and polly:SynthesizeSpeech without lexicons have no resource-level permission.",
};
