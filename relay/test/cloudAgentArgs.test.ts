import { describe, expect, it } from "vitest";
import { cloudAgentLaunch, relayIdFromTaskArn } from "../src/cloudAgentArgs.js";

const TASK_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/Test-RelaysCluster/0123456789abcdef0123456789abcdef";
const ENV = {
  BABELCAST_API_URL: "https://abc123.execute-api.eu-west-1.amazonaws.com",
  BABELCAST_RELAY_KEY_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:RelayKey-AbCdEf",
  BABELCAST_RELAY_CAPACITY: "90",
  BABELCAST_RELAY_SERVICE: "Babelcast-relays",
  AWS_REGION: "eu-west-1",
};

describe("relayIdFromTaskArn", () => {
  it("names the relay after its task's id", () => {
    expect(relayIdFromTaskArn(TASK_ARN)).toBe("relay-0123456789abcdef0123456789abcdef");
  });

  it("refuses what is not an ECS task ARN", () => {
    expect(() => relayIdFromTaskArn("arn:aws:ecs:eu-west-1:123456789012:service/x/y")).toThrow(/not an ECS task ARN/);
    expect(() => relayIdFromTaskArn("")).toThrow(/not an ECS task ARN/);
  });
});

describe("cloudAgentLaunch", () => {
  it("starts the agent with the stack's API URL, the task's relay id, capacity and metric service, and says where the key is", () => {
    expect(cloudAgentLaunch(ENV, "relay-abc")).toEqual({
      args: [
        "--api",
        ENV.BABELCAST_API_URL,
        "--relay-id",
        "relay-abc",
        "--capacity",
        "90",
        "--metrics-service",
        "Babelcast-relays",
      ],
      keySecretArn: ENV.BABELCAST_RELAY_KEY_SECRET_ARN,
      region: "eu-west-1",
    });
  });

  it("names every missing or malformed variable in one error", () => {
    expect(() => cloudAgentLaunch({}, "relay-abc")).toThrow(
      /BABELCAST_API_URL is not set; BABELCAST_RELAY_KEY_SECRET_ARN is not set; BABELCAST_RELAY_CAPACITY is not set; BABELCAST_RELAY_SERVICE is not set; AWS_REGION/,
    );
    expect(() =>
      cloudAgentLaunch(
        { ...ENV, BABELCAST_API_URL: "http://x", BABELCAST_RELAY_CAPACITY: "0", BABELCAST_RELAY_KEY_SECRET_ARN: "key" },
        "relay-abc",
      ),
    ).toThrow(/https URL.*whole number.*Secrets Manager secret ARN/);
  });
});
