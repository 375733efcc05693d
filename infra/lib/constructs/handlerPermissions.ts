import { Aws } from "aws-cdk-lib";
import type { IEventBus } from "aws-cdk-lib/aws-events";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Capability } from "../handlerEntries.js";

export interface PermissionTargets {
  /** Every KVS signaling channel this deployment creates is named with this prefix. */
  readonly channelNamePrefix: string;
  readonly terminologyNamePrefix: string;
  readonly webSocketApiId: string;
  readonly webSocketStageName: string;
  readonly eventBus: IEventBus;
}

export const KVS_CHANNEL_ACTIONS = [
  "kinesisvideo:CreateSignalingChannel",
  "kinesisvideo:DeleteSignalingChannel",
  "kinesisvideo:DescribeSignalingChannel",
  "kinesisvideo:GetSignalingChannelEndpoint",
  "kinesisvideo:GetIceServerConfig",
  "kinesisvideo:TagResource",
];
export const KVS_CONNECT_ACTIONS = ["kinesisvideo:ConnectAsMaster", "kinesisvideo:ConnectAsViewer"];

/** `channel/{name}/{creation time}`: the name prefix scopes the statement to this deployment. */
export function channelArnPattern(prefix: string): string {
  return `arn:${Aws.PARTITION}:kinesisvideo:${Aws.REGION}:${Aws.ACCOUNT_ID}:channel/${prefix}*/*`;
}

export function terminologyArnPattern(prefix: string): string {
  return `arn:${Aws.PARTITION}:translate:${Aws.REGION}:${Aws.ACCOUNT_ID}:terminology/${prefix}*`;
}

/** POST, GET and DELETE on `@connections` of this API's stage only. */
export function connectionsArn(apiId: string, stageName: string): string {
  return `arn:${Aws.PARTITION}:execute-api:${Aws.REGION}:${Aws.ACCOUNT_ID}:${apiId}/${stageName}/*/@connections/*`;
}

/** The IAM statements one capability needs, each on the narrowest resources the service allows. */
export function capabilityStatements(capability: Capability, targets: PermissionTargets): PolicyStatement[] {
  switch (capability) {
    case "kvsChannels":
      return [
        new PolicyStatement({
          actions: KVS_CHANNEL_ACTIONS,
          resources: [channelArnPattern(targets.channelNamePrefix)],
        }),
      ];
    case "kvsConnect":
      return [
        new PolicyStatement({
          actions: KVS_CONNECT_ACTIONS,
          resources: [channelArnPattern(targets.channelNamePrefix)],
        }),
      ];
    case "manageConnections":
      return [
        new PolicyStatement({
          actions: ["execute-api:ManageConnections"],
          resources: [connectionsArn(targets.webSocketApiId, targets.webSocketStageName)],
        }),
      ];
    case "translate":
      return [
        // TranslateText without a terminology is authorized on "*" only.
        new PolicyStatement({ actions: ["translate:TranslateText"], resources: ["*"] }),
        new PolicyStatement({
          actions: ["translate:ImportTerminology", "translate:GetTerminology", "translate:DeleteTerminology"],
          resources: [terminologyArnPattern(targets.terminologyNamePrefix)],
        }),
      ];
    case "polly":
      return [new PolicyStatement({ actions: ["polly:SynthesizeSpeech"], resources: ["*"] })];
    case "lifecycleEvents":
      return [new PolicyStatement({ actions: ["events:PutEvents"], resources: [targets.eventBus.eventBusArn] })];
  }
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

/** Why each capability's wildcard is as narrow as the service allows (cdk-nag IAM5 reasons). */
export const WILDCARD_REASONS: Readonly<Record<Capability, string>> = {
  kvsChannels:
    "KVS channel ARNs end in a creation time unknown in advance; the ARN is pinned to this deployment's channel-name prefix.",
  kvsConnect:
    "Presigned ConnectAsMaster/ConnectAsViewer URLs for any channel of this deployment (name prefix), created at run time.",
  manageConnections: "Connection ids are assigned at run time; the ARN is pinned to this API and stage.",
  translate:
    "translate:TranslateText without a terminology has no resource-level permission; terminologies are pinned to the prefix.",
  polly: "polly:SynthesizeSpeech is authorized on lexicons only; without lexicons it needs '*'.",
  lifecycleEvents: "No wildcard: PutEvents on this stack's bus only.",
};
