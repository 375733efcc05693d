import { Aws } from "aws-cdk-lib";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { Capability } from "../handlerEntries.js";

export interface PermissionTargets {
  /** Every KVS signaling channel this deployment creates is named with this prefix. */
  readonly channelNamePrefix: string;
  readonly terminologyNamePrefix: string;
  readonly vocabularyNamePrefix: string;
  readonly webSocketApiId: string;
  readonly webSocketStageName: string;
  readonly eventBus: IEventBus;
  readonly listenerTokenSecret: ISecret;
  /** The pool-growth function's ARN; absent when the stack deploys no such function. */
  readonly poolGrowthFunctionArn?: string;
}

/** What a grant applies to; each kind is pinned as narrowly as its service allows. */
export type GrantResource =
  | "kvsChannels"
  | "connections"
  | "terminologies"
  | "vocabularies"
  | "eventBus"
  | "listenerTokenSecret"
  /** The pool-growth function, by its ARN. */
  | "poolGrowthFunction"
  /** Actions with no resource-level permission (the reason is in WILDCARD_REASONS). */
  | "any";

export interface Grant {
  readonly actions: readonly string[];
  readonly on: GrantResource;
}

/**
 * The permission table: the IAM actions behind each capability a handler entry names
 * (`infra/lib/handlerEntries.ts`). A new need is one row here and one capability on the
 * entries that have it; the stack and the least-privilege tests read only this table.
 */
export const CAPABILITY_GRANTS: Readonly<Record<Capability, readonly Grant[]>> = {
  kvsChannelLifecycle: [
    {
      actions: [
        "kinesisvideo:CreateSignalingChannel",
        "kinesisvideo:DeleteSignalingChannel",
        "kinesisvideo:DescribeSignalingChannel",
        "kinesisvideo:TagResource",
      ],
      on: "kvsChannels",
    },
  ],
  kvsSignaling: [
    {
      actions: [
        "kinesisvideo:DescribeSignalingChannel",
        "kinesisvideo:GetSignalingChannelEndpoint",
        "kinesisvideo:GetIceServerConfig",
      ],
      on: "kvsChannels",
    },
  ],
  // A presigned URL carries its signer's permissions: only the owner side may sign as master.
  kvsConnectAsMaster: [{ actions: ["kinesisvideo:ConnectAsMaster"], on: "kvsChannels" }],
  kvsConnectAsViewer: [{ actions: ["kinesisvideo:ConnectAsViewer"], on: "kvsChannels" }],
  manageConnections: [{ actions: ["execute-api:ManageConnections"], on: "connections" }],
  translate: [
    // TranslateText without a terminology is authorized on "*" only.
    { actions: ["translate:TranslateText"], on: "any" },
    {
      actions: ["translate:ImportTerminology", "translate:GetTerminology", "translate:DeleteTerminology"],
      on: "terminologies",
    },
  ],
  deleteTerminologies: [{ actions: ["translate:DeleteTerminology"], on: "terminologies" }],
  // ListTerminologies names no resource type in the Service Authorization Reference, so it takes "*"
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_translate.html).
  listTerminologies: [{ actions: ["translate:ListTerminologies"], on: "any" }],
  // The console's role may only stream; the glossary's vocabulary is the owner side's.
  glossaryVocabularies: [
    {
      actions: [
        "transcribe:CreateVocabulary",
        "transcribe:UpdateVocabulary",
        "transcribe:GetVocabulary",
        "transcribe:DeleteVocabulary",
      ],
      on: "vocabularies",
    },
  ],
  // ListVocabularies names no resource type in the Service Authorization Reference, so it takes "*"
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html).
  listVocabularies: [{ actions: ["transcribe:ListVocabularies"], on: "any" }],
  polly: [{ actions: ["polly:SynthesizeSpeech"], on: "any" }],
  lifecycleEvents: [{ actions: ["events:PutEvents"], on: "eventBus" }],
  listenerTokens: [{ actions: ["secretsmanager:GetSecretValue"], on: "listenerTokenSecret" }],
  // Invoke's resource is the function
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
  invokePoolGrowth: [{ actions: ["lambda:InvokeFunction"], on: "poolGrowthFunction" }],
};

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
    case "eventBus":
      return targets.eventBus.eventBusArn;
    case "listenerTokenSecret":
      return targets.listenerTokenSecret.secretArn;
    case "poolGrowthFunction":
      if (!targets.poolGrowthFunctionArn) {
        throw new Error("the invokePoolGrowth capability needs the PoolGrowthFunction entry in the stack's handlers");
      }
      return targets.poolGrowthFunctionArn;
    case "any":
      return "*";
  }
}

/** The IAM statements one capability needs, each on the narrowest resources the service allows. */
export function capabilityStatements(capability: Capability, targets: PermissionTargets): PolicyStatement[] {
  return CAPABILITY_GRANTS[capability].map(
    (grant) => new PolicyStatement({ actions: [...grant.actions], resources: [grantResourceArn(grant.on, targets)] }),
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
  Record<Exclude<GrantResource, "eventBus" | "listenerTokenSecret" | "poolGrowthFunction">, string>
> = {
  kvsChannels:
    "KVS channel ARNs end in a creation time unknown in advance; the ARN is pinned to this deployment's channel-name prefix.",
  connections: "Connection ids are assigned at run time; the ARN is pinned to this API and stage.",
  terminologies: "Session glossaries become terminologies named at run time; the ARN is pinned to the prefix.",
  vocabularies: "Session glossaries become vocabularies named at run time; the ARN is pinned to the prefix.",
  any: "translate:TranslateText without a terminology, translate:ListTerminologies, transcribe:ListVocabularies and polly:SynthesizeSpeech without lexicons have no resource-level permission.",
};
