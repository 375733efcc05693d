import { describe, expect, it } from "vitest";
import { type Resources, synthBabelcast } from "./synthStack.js";

/**
 * What a first deployment in a new account or region needs from the template itself:
 * settings that CloudFormation does not check before it creates resources and that fail
 * the deployment halfway when missing.
 */

const { template } = synthBabelcast();
const resources = template.toJSON().Resources as Resources & Record<string, { DependsOn?: string[] }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe("API Gateway logging on a fresh account", () => {
  const [accountId, account] = ofType("AWS::ApiGateway::Account")[0] ?? [];
  const roleRef = (account?.Properties?.CloudWatchRoleArn as { "Fn::GetAtt": [string, string] } | undefined)?.[
    "Fn::GetAtt"
  ];

  it("sets the region's CloudWatch Logs role for API Gateway, with a role API Gateway can assume", () => {
    expect(ofType("AWS::ApiGateway::Account")).toHaveLength(1);
    expect(roleRef?.[1]).toBe("Arn");
    const role = resources[roleRef?.[0] ?? "none"] as Resources[string] & { DeletionPolicy?: string };
    expect(role?.Type).toBe("AWS::IAM::Role");
    expect(JSON.stringify(role.Properties?.AssumeRolePolicyDocument)).toContain('"Service":"apigateway.amazonaws.com"');
    expect(JSON.stringify(role.Properties?.ManagedPolicyArns)).toContain(
      "policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    );
    // Other APIs of the region may log through it after this stack is gone.
    expect(role.DeletionPolicy).toBe("Retain");
  });

  it("creates the WebSocket stage, which logs access, only after the account setting", () => {
    const stages = ofType("AWS::ApiGatewayV2::Stage").filter(([, s]) => s.Properties?.StageName === "live");
    expect(stages).toHaveLength(1);
    const [, stage] = stages[0] as [string, (typeof resources)[string]];
    expect(stage.Properties?.AccessLogSettings).toBeDefined();
    expect(stage.DependsOn).toContain(accountId);
  });

  it("leaves the account setting alone when told the account already has one", () => {
    const existing = synthBabelcast({ createApiGatewayLogsRole: false }).template;
    existing.resourceCountIs("AWS::ApiGateway::Account", 0);
  });
});

describe("what the template refers to exists in it", () => {
  it("sends every stage's access logs to a log group of this stack", () => {
    for (const [id, stage] of ofType("AWS::ApiGatewayV2::Stage")) {
      const destination = (stage.Properties?.AccessLogSettings as { DestinationArn?: { "Fn::GetAtt": string[] } })
        ?.DestinationArn?.["Fn::GetAtt"];
      expect(destination?.[1], id).toBe("Arn");
      expect(resources[destination?.[0] ?? "none"]?.Type, id).toBe("AWS::Logs::LogGroup");
    }
  });

  it("gives every function a role and a log group of this stack", () => {
    for (const [id, fn] of ofType("AWS::Lambda::Function")) {
      const role = (fn.Properties?.Role as { "Fn::GetAtt"?: string[] } | undefined)?.["Fn::GetAtt"];
      expect(resources[role?.[0] ?? "none"]?.Type, id).toBe("AWS::IAM::Role");
      const logGroup = (fn.Properties?.LoggingConfig as { LogGroup?: { Ref: string } } | undefined)?.LogGroup?.Ref;
      // CDK's own singleton handlers (bucket deployment, auto-delete) log to Lambda's default group.
      if (logGroup) expect(resources[logGroup]?.Type, id).toBe("AWS::Logs::LogGroup");
    }
  });

  it("keeps every log group for a bounded time", () => {
    for (const [id, group] of ofType("AWS::Logs::LogGroup")) {
      expect(group.Properties?.RetentionInDays, id).toEqual(expect.any(Number));
    }
  });
});
