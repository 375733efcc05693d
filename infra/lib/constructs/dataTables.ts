import { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import type { IGrantable } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { TABLE_ACTIONS, type TableAccess } from "../../../backend/src/permissions/permissionTable.js";
import {
  type KeyAttribute,
  TABLE_IDS,
  TABLES,
  type TableDefinition,
  type TableId,
} from "../../../backend/src/tables/definitions.js";

const ATTRIBUTE_TYPES = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY } as const;

function attribute(key: KeyAttribute) {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

function constructId(id: TableId): string {
  return `${id.charAt(0).toUpperCase()}${id.slice(1)}Table`;
}

/**
 * The DynamoDB tables, built from the same definitions the embedded server uses: keys,
 * indexes and TTL match by construction. On-demand, point-in-time recovery; tables that
 * hold transcripts and sessions are retained when the stack is destroyed.
 */
export class DataTables extends Construct {
  readonly tables: Readonly<Record<TableId, Table>>;

  constructor(scope: Construct, id: string, definitions: Readonly<Record<TableId, TableDefinition>> = TABLES) {
    super(scope, id);
    const tables = {} as Record<TableId, Table>;
    for (const tableId of TABLE_IDS) {
      const def = definitions[tableId];
      if (def.billingMode !== "PAY_PER_REQUEST")
        throw new Error(`table ${tableId}: only on-demand billing is supported`);
      const table = new Table(this, constructId(tableId), {
        partitionKey: attribute(def.partitionKey),
        ...(def.sortKey ? { sortKey: attribute(def.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        ...(def.timeToLiveAttribute ? { timeToLiveAttribute: def.timeToLiveAttribute } : {}),
        removalPolicy: def.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        deletionProtection: def.retain,
      });
      for (const gsi of def.globalSecondaryIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: gsi.indexName,
          partitionKey: attribute(gsi.partitionKey),
          ...(gsi.sortKey ? { sortKey: attribute(gsi.sortKey) } : {}),
          projectionType: gsi.projection === "ALL" ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
        });
      }
      tables[tableId] = table;
    }
    this.tables = tables;
  }

  /** Table name variables for the functions (`TABLE_SESSIONS` = the deployed name, ...). */
  environment(): Record<string, string> {
    return Object.fromEntries(TABLE_IDS.map((id) => [TABLES[id].envVar, this.tables[id].tableName]));
  }

  grant(grantee: IGrantable, access: Partial<Record<TableId, TableAccess>>): void {
    for (const [tableId, mode] of Object.entries(access) as [TableId, TableAccess][]) {
      const table = this.tables[tableId];
      // The table and its indexes; the actions are the permission table's, which the embedded DynamoDB enforces.
      table.grant(grantee, ...TABLE_ACTIONS[mode]);
    }
  }
}
