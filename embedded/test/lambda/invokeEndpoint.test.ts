import { InvokeCommand, LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../gateway/harness.js";

/**
 * The embedded Lambda Invoke API, as the SDK and AWS's documentation see it
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
 */
let h: Harness;
let lambda: LambdaClient;
let endpoint: string;

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));

beforeAll(async () => {
  h = await startHarness();
  const ctx = h.server.context;
  endpoint = `${ctx.loopbackUrl}${PATHS.lambda}`;
  lambda = new LambdaClient({ region: ctx.region, endpoint, credentials: ctx.credentials, maxAttempts: 1 });
});
afterAll(async () => {
  lambda?.destroy();
  await h?.stop();
});

describe("the embedded Lambda Invoke API", () => {
  it("runs the pool-growth function synchronously: one more channel, the session's channels answered", async () => {
    const created = await h.api("POST", "/sessions", { title: "T", sourceLanguage: "en" }, h.ownerToken);
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: "PoolGrowthFunction",
        InvocationType: "RequestResponse",
        Payload: encode({ sessionId: id, expectedChannelCount: 1 }),
      }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    const result = decode(out.Payload);
    expect(result.status).toBe("open");
    expect(result.channels.map((c: { index: number }) => c.index)).toEqual([0, 1]);
    const view = await h.api("GET", `/sessions/${id}`, undefined, h.ownerToken);
    expect(view.json.channels).toHaveLength(2);
  }, 60_000);

  it("flags a function error with X-Amz-Function-Error and the error object as payload", async () => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: "PoolGrowthFunction", Payload: encode({ sessionId: "" }) }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    const error = decode(out.Payload);
    expect(typeof error.errorType).toBe("string");
    expect(error.errorMessage).toMatch(/expectedChannelCount|sessionId/);
  }, 60_000);

  it("answers 404 ResourceNotFoundException for a function that does not exist", async () => {
    const failure = await lambda
      .send(new InvokeCommand({ FunctionName: "NoSuchFunction", Payload: encode({}) }))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResourceNotFoundException);
    expect((failure as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  it("refuses an unsigned request with 403 and runs nothing", async () => {
    const res = await fetch(`${endpoint}/2015-03-31/functions/PoolGrowthFunction/invocations`, {
      method: "POST",
      body: JSON.stringify({ sessionId: "x", expectedChannelCount: 0 }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
  });

  it("refuses a payload over 6 MB with 413 RequestTooLargeException", async () => {
    const res = await fetch(`${endpoint}/2015-03-31/functions/PoolGrowthFunction/invocations`, {
      method: "POST",
      body: "x".repeat(6 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("x-amzn-errortype")).toBe("RequestTooLargeException");
  });

  it("refuses a payload that is not JSON with InvalidRequestContentException", async () => {
    const failure = await lambda
      .send(new InvokeCommand({ FunctionName: "PoolGrowthFunction", Payload: new TextEncoder().encode("{not json") }))
      .catch((e: unknown) => e);
    expect((failure as Error).name).toBe("InvalidRequestContentException");
  });
});
