import type { PolicyResource } from "@babelcast/backend/permissions/permissionTable.js";
import { DEFAULT_TABLE_NAMES, TABLE_IDS } from "@babelcast/backend/tables/definitions.js";

/**
 * The IAM actions one DynamoDB request needs, each on its table: the operation on its
 * `TableName`, a batch's action on every table it names, and a transaction's item actions
 * (TransactWriteItems is authorized as PutItem, UpdateItem, DeleteItem and ConditionCheckItem
 * on each item's table; TransactGetItems as GetItem).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 */

export interface DynamoCall {
  readonly action: string;
  /** The table's name as the request gives it. */
  readonly tableName: string;
}

const TRANSACT_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
  Get: "dynamodb:GetItem",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The calls behind `X-Amz-Target: DynamoDB_20120810.<Operation>` with this JSON body (none when unreadable). */
export function dynamoCalls(target: string, body: unknown): DynamoCall[] {
  const operation = target.replace(/^DynamoDB_\d+\./, "");
  if (!isObject(body)) return [];
  if (operation === "TransactWriteItems" || operation === "TransactGetItems") {
    const items = Array.isArray(body.TransactItems) ? body.TransactItems : [];
    return items.flatMap((item) =>
      isObject(item)
        ? Object.entries(item).flatMap(([kind, part]) =>
            isObject(part) && typeof part.TableName === "string" && TRANSACT_ITEM_ACTIONS[kind]
              ? [{ action: TRANSACT_ITEM_ACTIONS[kind], tableName: part.TableName }]
              : [],
          )
        : [],
    );
  }
  if (isObject(body.RequestItems))
    return Object.keys(body.RequestItems).map((tableName) => ({ action: `dynamodb:${operation}`, tableName }));
  return [{ action: `dynamodb:${operation}`, tableName: typeof body.TableName === "string" ? body.TableName : "*" }];
}

/** The table of this deployment a name is, as the permission table names it; undefined for any other. */
export function tableResource(tableName: string): PolicyResource | undefined {
  const id = TABLE_IDS.find((t) => DEFAULT_TABLE_NAMES[t] === tableName);
  return id ? `table/${id}` : undefined;
}
