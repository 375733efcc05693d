import type { TableId } from "../tables/definitions.js";

/**
 * The permission table: every AWS action each principal of the stack may call, and on what.
 * It is the one source of the CDK policies (`infra/lib/constructs/handlerPermissions.ts`,
 * `dataTables.ts`, `presenterAuth.ts`) and of the embedded server's authorization, which
 * refuses a call its caller's cloud role would refuse (AccessDeniedException). Principals:
 * each deployed function (its capabilities and tables, `handlers/deployedFunctions.ts`) and
 * the presenter console's identity-pool role (`CONSOLE_STATEMENTS`).
 */

/** What a handler may do besides its tables; each maps to the statements in `CAPABILITY_GRANTS`. */
export type Capability =
  /** Create, describe, tag and delete this deployment's KVS signaling channels. */
  | "kvsChannelLifecycle"
  /** Describe a channel, its signaling endpoints and its ICE (TURN) servers. */
  | "kvsSignaling"
  /** Presign `ConnectAsMaster` URLs (the console, relays): owner side only. */
  | "kvsConnectAsMaster"
  /** Presign `ConnectAsViewer` URLs (listeners). */
  | "kvsConnectAsViewer"
  /** Post to, read and close connections of this stack's WebSocket API stage. */
  | "manageConnections"
  | "translate"
  /** Delete this deployment's session terminologies (a session ended). */
  | "deleteTerminologies"
  /** List the account's terminologies in the Region (cleanup finds the orphans among them). */
  | "listTerminologies"
  /** List the account's Transcribe vocabularies in the Region (cleanup finds the orphans among them). */
  | "listVocabularies"
  /** Create, update, read and delete this deployment's glossary vocabularies (Transcribe). */
  | "glossaryVocabularies"
  /** List the account's Transcribe vocabulary filters in the Region (cleanup finds the orphans among them). */
  | "listVocabularyFilters"
  /** Create, update, read and delete this deployment's session word filters (Transcribe vocabulary filters). */
  | "sessionVocabularyFilters"
  /** Read a glossary vocabulary's state (the owner's view of a session, served on the public route). */
  | "readVocabularyState"
  | "polly"
  /**
   * Read the engines' language lists (Translate ListLanguages, Polly DescribeVoices): which
   * languages this home can translate and speak, for `GET /languages` and the session checks.
   */
  | "engineCatalogue"
  /** Put session lifecycle events on this stack's event bus. */
  | "lifecycleEvents"
  /** Read the listener-token key from Secrets Manager (sign or check listener tokens). */
  | "listenerTokens"
  /** Read the relay key from Secrets Manager (check relay agents' requests). */
  | "relayKey"
  /** Invoke the pool-growth function (and no other): the join's one way to add a channel. */
  | "invokePoolGrowth"
  /** Publish captions, partials and session status to the caption Event API's namespace (AppSync Events, HTTP). */
  | "publishCaptions"
  /**
   * Presign uploads and downloads of recordings (a presigned URL carries its signer's
   * permissions: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html)
   * and list a session's recordings, under the bucket's `recordings/` prefix only.
   */
  | "recordingUploads";

/** What a grant applies to; each kind is pinned as narrowly as its service allows (ARNs: infra). */
export type GrantResource =
  | "kvsChannels"
  | "connections"
  | "terminologies"
  | "vocabularies"
  /** Transcribe vocabulary filters named with the deployment's prefix (`vocabularyfilter/<prefix>*`). */
  | "vocabularyFilters"
  | "eventBus"
  | "listenerTokenSecret"
  /** The relay key secret (relay agents authenticate with it). */
  | "relayKeySecret"
  /** The pool-growth function, by its ARN. */
  | "poolGrowthFunction"
  /**
   * The caption Event API's `captions` channel namespace:
   * `arn:aws:appsync:<region>:<account>:apis/<apiId>/channelNamespace/captions`. AppSync Events
   * authorizes `appsync:EventPublish` (and `EventSubscribe`) on the namespace, `EventConnect` on
   * the API (https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html,
   * "IAM authorization"; https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsappsync.html).
   */
  | "captionNamespace"
  /** The recordings bucket's objects under `recordings/` (`arn:aws:s3:::<bucket>/recordings/*`). */
  | "recordingObjects"
  /**
   * The recordings bucket itself, for ListBucket, with an `s3:prefix` condition of `recordings/*`
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
   */
  | "recordingsBucket"
  /** Actions with no resource-level permission (the reason is in infra's WILDCARD_REASONS). */
  | "any";

export interface Grant {
  readonly actions: readonly string[];
  readonly on: GrantResource;
}

/**
 * The IAM actions behind each capability a deployed function names. A new need is one row
 * here and one capability on the functions that have it.
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
  // The session's word list: the owner side writes it; the console only names it when it streams.
  sessionVocabularyFilters: [
    {
      actions: [
        "transcribe:CreateVocabularyFilter",
        "transcribe:UpdateVocabularyFilter",
        "transcribe:GetVocabularyFilter",
        "transcribe:DeleteVocabularyFilter",
      ],
      on: "vocabularyFilters",
    },
  ],
  readVocabularyState: [{ actions: ["transcribe:GetVocabulary"], on: "vocabularies" }],
  // ListVocabularies names no resource type in the Service Authorization Reference, so it takes "*"
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html).
  listVocabularies: [{ actions: ["transcribe:ListVocabularies"], on: "any" }],
  // ListVocabularyFilters names no resource type either
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazontranscribe.html).
  listVocabularyFilters: [{ actions: ["transcribe:ListVocabularyFilters"], on: "any" }],
  polly: [{ actions: ["polly:SynthesizeSpeech"], on: "any" }],
  // Neither action names a resource type in the Service Authorization Reference, so both take "*"
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_translate.html,
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonpolly.html).
  engineCatalogue: [{ actions: ["translate:ListLanguages", "polly:DescribeVoices"], on: "any" }],
  lifecycleEvents: [{ actions: ["events:PutEvents"], on: "eventBus" }],
  listenerTokens: [{ actions: ["secretsmanager:GetSecretValue"], on: "listenerTokenSecret" }],
  relayKey: [{ actions: ["secretsmanager:GetSecretValue"], on: "relayKeySecret" }],
  // Invoke's resource is the function
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
  invokePoolGrowth: [{ actions: ["lambda:InvokeFunction"], on: "poolGrowthFunction" }],
  // HTTP publish is signed with the function's role; no connect is needed for it.
  publishCaptions: [{ actions: ["appsync:EventPublish"], on: "captionNamespace" }],
  // PutObject and GetObject take the object resource, ListBucket the bucket
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
  recordingUploads: [
    { actions: ["s3:PutObject", "s3:GetObject"], on: "recordingObjects" },
    { actions: ["s3:ListBucket"], on: "recordingsBucket" },
  ],
};

export type TableAccess = "read" | "readWrite";

/**
 * The DynamoDB actions behind each table access, granted on the table and its indexes. Named
 * here rather than taken from CDK's `grantReadData` so that the embedded DynamoDB refuses
 * exactly what the deployed role refuses; the stream and KMS actions CDK would add are not
 * needed (no streams, AWS-managed encryption).
 */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
  ],
  readWrite: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
  ],
};

/**
 * The only actions a signed-in presenter's console may call with AWS credentials: streaming
 * recognition, and speech synthesis of each active language (the console plays the tracks).
 * None of them has a resource-level permission.
 */
export const CONSOLE_ACTIONS: readonly string[] = [
  "transcribe:StartStreamTranscription",
  "transcribe:StartStreamTranscriptionWebSocket",
  "polly:SynthesizeSpeech",
];

/** What one statement of a principal's policy covers: a capability's resource kind or one table. */
export type PolicyResource = GrantResource | `table/${TableId}`;

export interface PolicyStatementRow {
  readonly actions: readonly string[];
  readonly on: PolicyResource;
}

/** What a principal holds: capabilities and tables (a function) or bare statements (the console). */
export interface PrincipalPermissions {
  readonly capabilities: readonly Capability[];
  readonly tables: Partial<Record<TableId, TableAccess>>;
}

/** A function's policy as statements: one per capability grant, one per table it touches. */
export function principalStatements(permissions: PrincipalPermissions): PolicyStatementRow[] {
  return [
    ...permissions.capabilities.flatMap((c) => CAPABILITY_GRANTS[c]),
    ...(Object.entries(permissions.tables) as [TableId, TableAccess][]).map(([table, access]) => ({
      actions: TABLE_ACTIONS[access],
      on: `table/${table}` as const,
    })),
  ];
}

export const CONSOLE_STATEMENTS: readonly PolicyStatementRow[] = [{ actions: CONSOLE_ACTIONS, on: "any" }];

/**
 * Whether a policy allows `action` on `resource` (the kind the caller resolved the request's
 * resource to, or undefined when it is none of this deployment's: then only statements on
 * "any" apply). IAM's default is deny; the stack writes no Deny statements.
 */
export function policyAllows(
  statements: readonly PolicyStatementRow[],
  action: string,
  resource: PolicyResource | undefined,
): boolean {
  return statements.some((s) => s.actions.includes(action) && (s.on === "any" || s.on === resource));
}
