import { describe, expect, it } from "vitest";
import { runtimeConfigFromEnv } from "../../src/aws/runtimeConfig.js";

const env = {
  AWS_REGION: "eu-west-1",
  LISTENER_TOKEN_SECRET: "s".repeat(40),
  USER_POOL_ID: "eu-west-1_abc",
  USER_POOL_CLIENT_ID: "client123",
  LISTENER_URL: "https://listen.example.org",
  WEBSOCKET_URL: "wss://abc.execute-api.eu-west-1.amazonaws.com/prod",
  CAPTION_EVENTS_URL: "https://abcdefghij.appsync-api.eu-west-1.amazonaws.com/event",
  WEBSOCKET_MANAGEMENT_ENDPOINT: "https://abc.execute-api.eu-west-1.amazonaws.com/prod",
  TABLE_SESSIONS: "Stack-Sessions-1",
  EVENT_BUS_NAME: "babelcast-bus",
};

describe("Lambda runtime config", () => {
  it("selects Cognito owner auth and the stack's tables, bus and endpoints from the environment", () => {
    const config = runtimeConfigFromEnv(env);
    expect(config.mode).toBe("aws");
    expect(config.region).toBe("eu-west-1");
    expect(config.ownerAuth).toEqual({ kind: "cognito", userPoolId: "eu-west-1_abc", clientId: "client123" });
    expect(config.credentials).toBeUndefined();
    expect(config.tables.sessions).toBe("Stack-Sessions-1");
    expect(config.tables.segments).toBe("BabelcastSegments");
    expect(config.endpoints.apigatewaymanagementapi).toBe(env.WEBSOCKET_MANAGEMENT_ENDPOINT);
    expect(config.captionEventsUrl).toBe(env.CAPTION_EVENTS_URL);
    expect(config.lifecycleEvents).toEqual({ kind: "eventbridge", busName: "babelcast-bus" });
    // Lambda cannot hold a timer across invocations: counts are pushed at once.
    expect(config.limits.countsDebounceMs).toBe(0);
    expect(config.limits.viewersPerChannel).toBe(10);
  });

  it("takes limits from SESSION_LIMITS", () => {
    const config = runtimeConfigFromEnv({ ...env, SESSION_LIMITS: JSON.stringify({ joinsPerIpPerMinute: 7 }) });
    expect(config.limits.joinsPerIpPerMinute).toBe(7);
  });

  it("names the missing variable", () => {
    const { USER_POOL_ID: _, ...missing } = env;
    expect(() => runtimeConfigFromEnv(missing)).toThrow(/USER_POOL_ID is not set/);
  });

  it("reads the caption Event API's publish URL only where the stack sets it (publishing functions)", () => {
    const { CAPTION_EVENTS_URL: _, ...withoutIt } = env;
    expect(runtimeConfigFromEnv(withoutIt).captionEventsUrl).toBeUndefined();
  });

  it("refuses a viewer URL lifetime over 5 minutes", () => {
    expect(() =>
      runtimeConfigFromEnv({ ...env, SESSION_LIMITS: JSON.stringify({ viewerUrlExpirySeconds: 600 }) }),
    ).toThrow();
  });
});

describe("Lambda runtime config: the recordings bucket", () => {
  it("names the bucket and its expiry days only when the stack set them", () => {
    expect(runtimeConfigFromEnv(env).recordings).toBeUndefined();
    expect(runtimeConfigFromEnv({ ...env, RECORDINGS_BUCKET: "stack-recordings" }).recordings).toEqual({
      bucket: "stack-recordings",
      expireDays: 30,
    });
    expect(
      runtimeConfigFromEnv({ ...env, RECORDINGS_BUCKET: "stack-recordings", RECORDINGS_EXPIRE_DAYS: "7" }).recordings,
    ).toEqual({ bucket: "stack-recordings", expireDays: 7 });
  });

  it("refuses expiry days that are not a whole number of days", () => {
    expect(() =>
      runtimeConfigFromEnv({ ...env, RECORDINGS_BUCKET: "stack-recordings", RECORDINGS_EXPIRE_DAYS: "0.5" }),
    ).toThrow(/RECORDINGS_EXPIRE_DAYS/);
  });
});
