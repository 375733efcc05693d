import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";

/** A conditional write was refused because its condition did not hold (not an error for the caller). */
export function isConditionFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as Error)?.name === "ConditionalCheckFailedException";
}
