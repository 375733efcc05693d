import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { conflict } from "../services/apiErrors.js";
import { type PoolGrowthRequest, PoolGrowthResult } from "../services/poolGrowthRequests.js";
import type { ChannelRecord, SessionRecord } from "../services/sessionRecords.js";

/** The environment variable naming the pool-growth function (set by the stack and by the embedded runtime). */
export const POOL_GROWTH_FUNCTION_NAME_ENV = "POOL_GROWTH_FUNCTION_NAME";

/** Grows a session's channel pool by one channel (the port the join uses; see `poolGrowthRequests.ts`). */
export interface PoolGrowth {
  /**
   * Adds one channel unless the pool no longer has as many as `session` shows (another join
   * grew it first); returns the channels as stored afterwards. Throws a conflict once the session has ended.
   */
  grow(session: SessionRecord, relayId?: string): Promise<readonly ChannelRecord[]>;
}

/**
 * The pool-growth function invoked synchronously (`InvocationType: RequestResponse`): the answer
 * is the function's result, and a function error comes back as `FunctionError` with the error
 * object as payload (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). A retried
 * invocation is harmless: the function adds a channel only while the pool has the expected count.
 */
export function lambdaPoolGrowth(lambda: LambdaClient, functionName: string | undefined): PoolGrowth {
  return {
    async grow(session, relayId) {
      if (!functionName) {
        throw new Error(
          `no pool-growth function is configured: give this function the "invokePoolGrowth" capability (infra/lib/handlerEntries.ts) so the stack sets ${POOL_GROWTH_FUNCTION_NAME_ENV}`,
        );
      }
      const request: PoolGrowthRequest = {
        sessionId: session.sessionId,
        expectedChannelCount: session.channels.length,
        ...(relayId ? { relayId } : {}),
      };
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "RequestResponse",
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      );
      const text = out.Payload ? new TextDecoder().decode(out.Payload) : "";
      if (out.FunctionError) {
        throw new Error(`the pool-growth function ${functionName} failed (${out.FunctionError}): ${text}`);
      }
      const result = PoolGrowthResult.parse(JSON.parse(text));
      if (result.status === "ended") throw conflict(`session ${session.sessionId} has ended`);
      return result.channels;
    },
  };
}
