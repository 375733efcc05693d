import { describe, expect, it } from "vitest";
import { LISTENER_TOKEN_SECRET_ARN_ENV } from "../../src/aws/listenerTokenSecret.js";
import { loadLambdaRuntimeConfig } from "../../src/aws/runtimeConfig.js";

const env = {
  AWS_REGION: "eu-west-1",
  USER_POOL_ID: "eu-west-1_abc",
  USER_POOL_CLIENT_ID: "client123",
  LISTENER_URL: "https://listen.example.org",
  WEBSOCKET_URL: "wss://abc.execute-api.eu-west-1.amazonaws.com/live",
  CAPTION_EVENTS_URL: "https://abcdefghij.appsync-api.eu-west-1.amazonaws.com/event",
};
const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ListenerTokenSecret-AbCdEf";

describe("listener-token secret at function init", () => {
  it("reads the key from Secrets Manager by the ARN the stack sets, in the function's region", async () => {
    const reads: [string, string][] = [];
    const config = await loadLambdaRuntimeConfig(
      { ...env, [LISTENER_TOKEN_SECRET_ARN_ENV]: secretArn },
      (id, region) => {
        reads.push([id, region]);
        return Promise.resolve("k".repeat(64));
      },
    );
    expect(reads).toEqual([[secretArn, "eu-west-1"]]);
    expect(config.listenerTokenSecret).toBe("k".repeat(64));
  });

  it("refuses to sign with no key in a function the stack gave no secret", async () => {
    const config = await loadLambdaRuntimeConfig(env, () => Promise.reject(new Error("must not be read")));
    expect(config.ownerAuth).toEqual({ kind: "cognito", userPoolId: "eu-west-1_abc", clientId: "client123" });
    expect(() => config.listenerTokenSecret).toThrow(/listenerTokens/);
  });

  it("fails the init when the secret cannot be read, naming the cause", async () => {
    await expect(
      loadLambdaRuntimeConfig({ ...env, [LISTENER_TOKEN_SECRET_ARN_ENV]: secretArn }, () =>
        Promise.reject(new Error("AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue")),
      ),
    ).rejects.toThrow(/GetSecretValue/);
  });
});
