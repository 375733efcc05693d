import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PATHS } from "@babelcast/protocol";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENER_SECRET_FILE } from "../../src/gateway/embeddedRuntime.js";
import { type Harness, startHarness } from "./harness.js";

/**
 * The Lambda entry points, configured from the environment as the stack configures them,
 * talking to the embedded server's AWS-compatible endpoints (the SDK's
 * AWS_ENDPOINT_URL_<SERVICE> variables): the handler code of the cloud, run against the
 * tables of the embedded server.
 */
let h: Harness;
const saved = { ...process.env };

beforeAll(async () => {
  h = await startHarness();
  const ctx = h.server.context;
  Object.assign(process.env, {
    AWS_REGION: ctx.region,
    AWS_ACCESS_KEY_ID: ctx.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ctx.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: `${ctx.loopbackUrl}${PATHS.dynamodb}`,
    AWS_ENDPOINT_URL_KINESIS_VIDEO: `${ctx.loopbackUrl}${PATHS.kinesisvideo}`,
    WEBSOCKET_MANAGEMENT_ENDPOINT: `${ctx.loopbackUrl}${PATHS.apigatewaymanagementapi}`,
    LISTENER_TOKEN_SECRET: readFileSync(join(h.dataDir, LISTENER_SECRET_FILE), "utf8").trim(),
    USER_POOL_ID: "us-east-1_testpool",
    USER_POOL_CLIENT_ID: "testclient",
    LISTENER_URL: ctx.url,
    WEBSOCKET_URL: ctx.config.webSocketUrl,
  });
});
afterAll(async () => {
  process.env = saved;
  await h?.stop();
});

function event(
  routeKey: string,
  path: string,
  pathParameters: Record<string, string>,
  body?: unknown,
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    pathParameters,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.org",
      domainPrefix: "api",
      http: {
        method: routeKey.split(" ")[0] ?? "GET",
        path,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.9",
        userAgent: "test",
      },
      requestId: "r1",
      routeKey,
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
    isBase64Encoded: false,
  };
}

describe("Lambda entry points", () => {
  it("the HTTP API handler serves a join from a session the embedded gateway created", async () => {
    const created = await h.api("POST", "/sessions", { title: "T", sourceLanguage: "en" }, h.ownerToken);
    const id = created.json.id as string;
    const { handler } = await import("@babelcast/backend/handlers/lambda/httpApi.js");
    const read = await handler(event("GET /sessions/{id}", `/sessions/${id}`, { id }));
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body ?? "{}").title).toBe("T");
    const joined = await handler(
      event("POST /sessions/{id}/listeners", `/sessions/${id}/listeners`, { id }, { language: "en" }),
    );
    expect(joined.statusCode, joined.body).toBe(200);
    const body = JSON.parse(joined.body ?? "{}");
    expect(body.audio.mode).toBe("webrtc");
    expect(body.audio.signaling.role).toBe("VIEWER");
  });

  it("the HTTP API handler refuses owner routes without a Cognito token", async () => {
    const { handler } = await import("@babelcast/backend/handlers/lambda/httpApi.js");
    const res = await handler(event("POST /sessions", "/sessions", {}, { title: "T", sourceLanguage: "en" }));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? "{}").error.message).toMatch(/sign in/);
  });

  it("the $connect authorizer denies a bad listener token and allows a good one", async () => {
    const created = await h.api("POST", "/sessions", { title: "T", sourceLanguage: "en" }, h.ownerToken);
    const id = created.json.id as string;
    const joined = await h.api("POST", `/sessions/${id}/listeners`, { language: "en" });
    const { handler } = await import("@babelcast/backend/handlers/lambda/connectAuthorizer.js");
    const request = (token: string) =>
      ({
        type: "REQUEST",
        methodArn: "arn:aws:execute-api:us-east-1:123456789012:api/prod/$connect",
        queryStringParameters: { role: "listener", sessionId: id, token },
      }) as never;
    const allowed = await handler(request(joined.json.listenerToken));
    expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: "Allow" });
    expect(allowed.context).toMatchObject({ role: "listener", sessionId: id, listenerId: joined.json.listenerId });
    await expect(handler(request("v1.e30.forged"))).rejects.toThrow("Unauthorized");
  });
});
