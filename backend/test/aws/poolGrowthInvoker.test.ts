import type { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { lambdaPoolGrowth } from "../../src/aws/poolGrowthInvoker.js";
import { ApiFailure } from "../../src/services/apiErrors.js";
import type { ChannelRecord, SessionRecord } from "../../src/services/sessionRecords.js";

const channel = (index: number): ChannelRecord => ({
  channelArn: `arn:aws:kinesisvideo:us-east-1:123456789012:channel/test-s-${index}/1`,
  channelName: `test-s-${index}`,
  index,
  createdAt: 1,
});
const session = { sessionId: "s", channels: [channel(0)] } as unknown as SessionRecord;

/** A Lambda client that records each Invoke and answers with `payload` (and `FunctionError` when given). */
function fakeLambda(payload: unknown, functionError?: string) {
  const sent: InvokeCommand["input"][] = [];
  const client = {
    async send(command: InvokeCommand) {
      sent.push(command.input);
      return {
        StatusCode: 200,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
        ...(functionError ? { FunctionError: functionError } : {}),
      };
    },
  } as unknown as LambdaClient;
  return { client, sent };
}

describe("lambdaPoolGrowth", () => {
  it("invokes the named function synchronously with the pool size it saw, and returns the channels", async () => {
    const lambda = fakeLambda({ status: "open", channels: [channel(0), channel(1)] });
    const channels = await lambdaPoolGrowth(lambda.client, "PoolGrowthFn").grow(session);
    expect(channels).toEqual([channel(0), channel(1)]);
    expect(lambda.sent).toHaveLength(1);
    expect(lambda.sent[0]?.FunctionName).toBe("PoolGrowthFn");
    expect(lambda.sent[0]?.InvocationType).toBe("RequestResponse");
    expect(JSON.parse(new TextDecoder().decode(lambda.sent[0]?.Payload as Uint8Array))).toEqual({
      sessionId: "s",
      expectedChannelCount: 1,
    });
  });

  it("turns an ended session into a conflict the join answers", async () => {
    const lambda = fakeLambda({ status: "ended" });
    const failure = await lambdaPoolGrowth(lambda.client, "PoolGrowthFn")
      .grow(session)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).status).toBe(409);
  });

  it("fails with the function's error when the invocation is flagged with FunctionError", async () => {
    const lambda = fakeLambda({ errorType: "Error", errorMessage: "KVS refused" }, "Unhandled");
    await expect(lambdaPoolGrowth(lambda.client, "PoolGrowthFn").grow(session)).rejects.toThrow(
      /PoolGrowthFn failed \(Unhandled\).*KVS refused/,
    );
  });

  it("says which capability is missing when no function name is configured, and invokes nothing", async () => {
    const lambda = fakeLambda({});
    await expect(lambdaPoolGrowth(lambda.client, undefined).grow(session)).rejects.toThrow(/invokePoolGrowth/);
    expect(lambda.sent).toEqual([]);
  });
});
