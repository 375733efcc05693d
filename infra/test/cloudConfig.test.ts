import { ConfigDocument } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { cloudConfigDocument } from "../lib/cloudConfig.js";

describe("cloud config document", () => {
  it("is a valid config.json for the console and the listener page once the outputs are known", () => {
    const doc = cloudConfigDocument({
      region: "eu-west-1",
      apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com",
      webSocketUrl: "wss://def456.execute-api.eu-west-1.amazonaws.com/live",
      listenerUrl: "https://d111111abcdef8.cloudfront.net",
      userPoolId: "eu-west-1_AbCdEf123",
      userPoolClientId: "1example23456789",
      identityPoolId: "eu-west-1:11111111-2222-3333-4444-555555555555",
      events: {
        httpUrl: "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/event",
        realtimeUrl: "wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/event/realtime",
      },
    });
    expect(ConfigDocument.parse(doc)).toEqual(doc);
    expect(doc.mode).toBe("aws");
    expect(doc.endpoints).toBeUndefined();
    expect(doc.events.realtimeUrl).toMatch(/^wss:\/\/.+\/event\/realtime$/);
    expect(doc.auth).toMatchObject({ kind: "cognito", identityPoolId: expect.stringContaining(":") });
  });
});
