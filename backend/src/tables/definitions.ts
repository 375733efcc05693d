/**
 * The DynamoDB tables of Babelcast, as plain data. The embedded server creates them in its
 * local store from this file and the CDK stack creates the same tables in AWS from it, so
 * keep it free of imports: data and types only.
 */

export type AttributeType = "S" | "N" | "B";

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalSecondaryIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly projection: "ALL" | "KEYS_ONLY";
}

export interface TableDefinition {
  /** Table name in embedded mode and the default logical name in the cloud stack. */
  readonly tableName: string;
  /** Environment variable that carries the deployed table's name to the Lambda functions. */
  readonly envVar: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndexDefinition[];
  /** Epoch-seconds attribute DynamoDB's TTL deletes expired items by. */
  readonly timeToLiveAttribute?: string;
  readonly billingMode: "PAY_PER_REQUEST";
  /** Whether the data is worth keeping when the stack is destroyed (transcripts are). */
  readonly retain: boolean;
}

export const TABLES = {
  /** One item per session: settings, status, owner, channel pool. */
  sessions: {
    tableName: "BabelcastSessions",
    envVar: "TABLE_SESSIONS",
    partitionKey: { name: "sessionId", type: "S" },
    globalSecondaryIndexes: [
      {
        indexName: "byOwner",
        partitionKey: { name: "ownerId", type: "S" },
        sortKey: { name: "createdAt", type: "N" },
        projection: "ALL",
      },
      {
        // The scheduled cleanup queries the open statuses here instead of scanning every session
        // ever held. Keys only: an update that changes no projected attribute writes nothing to
        // the index (only status changes do).
        indexName: "byStatus",
        partitionKey: { name: "status", type: "S" },
        sortKey: { name: "createdAt", type: "N" },
        projection: "KEYS_ONLY",
      },
    ],
    billingMode: "PAY_PER_REQUEST",
    retain: true,
  },
  /** One item per listener of a session: language, audio slot (channel), connection. */
  listeners: {
    tableName: "BabelcastListeners",
    envVar: "TABLE_LISTENERS",
    partitionKey: { name: "sessionId", type: "S" },
    sortKey: { name: "listenerId", type: "S" },
    globalSecondaryIndexes: [],
    timeToLiveAttribute: "expiresAt",
    billingMode: "PAY_PER_REQUEST",
    retain: false,
  },
  /** One item per open WebSocket connection (console or listener). */
  connections: {
    tableName: "BabelcastConnections",
    envVar: "TABLE_CONNECTIONS",
    partitionKey: { name: "connectionId", type: "S" },
    globalSecondaryIndexes: [
      {
        indexName: "bySession",
        partitionKey: { name: "sessionId", type: "S" },
        sortKey: { name: "connectionId", type: "S" },
        projection: "ALL",
      },
    ],
    timeToLiveAttribute: "expiresAt",
    billingMode: "PAY_PER_REQUEST",
    retain: false,
  },
  /** One item per committed segment: source text, stage timestamps, translations. */
  segments: {
    tableName: "BabelcastSegments",
    envVar: "TABLE_SEGMENTS",
    partitionKey: { name: "sessionId", type: "S" },
    sortKey: { name: "seq", type: "N" },
    globalSecondaryIndexes: [],
    billingMode: "PAY_PER_REQUEST",
    retain: true,
  },
  /**
   * What several Lambda containers must agree on about a live session, so no container keeps
   * it in memory (all changed by conditional writes): `caption-order#<language>` (the last
   * segment published in that language), `slot#<channel>#<slot>` (which listener holds an
   * audio slot, and until when), `listener-counts` (the listener counters and their version),
   * `listener-viewers` (each audio viewer's language), `partials#<second>` (the console's
   * partials in that second), `handoff#<code hash>` (a one-time hand-off to another console). One partition
   * is no session: `presenter#<e-mail>` lists the hand-offs naming that presenter
   * (`handoff#<session>#<code hash>`), so `GET /handoffs` is one Query.
   * Expire by TTL.
   */
  coordination: {
    tableName: "BabelcastCoordination",
    envVar: "TABLE_COORDINATION",
    partitionKey: { name: "sessionId", type: "S" },
    sortKey: { name: "item", type: "S" },
    globalSecondaryIndexes: [],
    timeToLiveAttribute: "expiresAt",
    billingMode: "PAY_PER_REQUEST",
    retain: false,
  },
  /** Fixed-window counters for rate limits; expire by TTL. */
  rateLimits: {
    tableName: "BabelcastRateLimits",
    envVar: "TABLE_RATE_LIMITS",
    partitionKey: { name: "bucket", type: "S" },
    globalSecondaryIndexes: [],
    timeToLiveAttribute: "expiresAt",
    billingMode: "PAY_PER_REQUEST",
    retain: false,
  },
} as const satisfies Record<string, TableDefinition>;

export type TableId = keyof typeof TABLES;
export type TableNames = Readonly<Record<TableId, string>>;

export const TABLE_IDS = Object.keys(TABLES) as TableId[];

/** The embedded table names. */
export const DEFAULT_TABLE_NAMES: TableNames = Object.fromEntries(
  TABLE_IDS.map((id) => [id, TABLES[id].tableName]),
) as TableNames;

/** A CreateTable request body (DynamoDB API shape) for a definition, under the given name. */
export function createTableInput(def: TableDefinition, tableName: string = def.tableName) {
  const attributes = new Map<string, AttributeType>();
  const keySchema = (pk: KeyAttribute, sk?: KeyAttribute) => {
    attributes.set(pk.name, pk.type);
    if (sk) attributes.set(sk.name, sk.type);
    return [
      { AttributeName: pk.name, KeyType: "HASH" as const },
      ...(sk ? [{ AttributeName: sk.name, KeyType: "RANGE" as const }] : []),
    ];
  };
  const KeySchema = keySchema(def.partitionKey, def.sortKey);
  const GlobalSecondaryIndexes = def.globalSecondaryIndexes.map((gsi) => ({
    IndexName: gsi.indexName,
    KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
    Projection: { ProjectionType: gsi.projection },
  }));
  return {
    TableName: tableName,
    BillingMode: def.billingMode,
    KeySchema,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    ...(GlobalSecondaryIndexes.length > 0 ? { GlobalSecondaryIndexes } : {}),
  };
}
