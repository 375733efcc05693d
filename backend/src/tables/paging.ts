import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from "@aws-sdk/lib-dynamodb";

/**
 * Every item of a Query or Scan, page after page: DynamoDB returns at most 1 MB per call and
 * a `LastEvaluatedKey` to continue from
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
 * The one paging loop of the backend.
 */
export async function allItems<T>(
  dynamo: DynamoDBDocumentClient,
  request: { readonly query: QueryCommandInput } | { readonly scan: ScanCommandInput },
): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const from = ExclusiveStartKey ? { ExclusiveStartKey } : {};
    const page =
      "query" in request
        ? await dynamo.send(new QueryCommand({ ...request.query, ...from }))
        : await dynamo.send(new ScanCommand({ ...request.scan, ...from }));
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
