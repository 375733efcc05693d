import { CAPTION_NAMESPACE } from "@babelcast/protocol";
import type { CfnElement } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { createListenerToken } from "../../../backend/src/services/listenerTokens.js";
import {
  CAPTION_CONNECT_TRAFFIC,
  LISTENER_TOKEN_EXPRESSION,
  REALTIME_PATH,
} from "../../lib/constructs/captionEventApi.js";
import { CAPTION_EVENT_ALARMS } from "../../lib/constructs/monitoring.js";
import { hallRateLimit } from "../../lib/constructs/webFirewall.js";
import { HANDLER_ENTRIES, type HandlerEntry } from "../../lib/handlerEntries.js";
import { CAPTION_EVENTS_URL_ENV } from "../../lib/lambdaEnvironment.js";
import { actionsOf, type Resources, resourcesOf, type Statement, synthBabelcast } from "../synthStack.js";

const { stack, template } = synthBabelcast();
const resources = template.toJSON().Resources as Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function logicalId(construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function functionId(entry: HandlerEntry): string {
  const fn = stack.functions.get(entry.id);
  if (!fn) throw new Error(`no function ${entry.id}`);
  return logicalId(fn);
}

function statementsOf(entry: HandlerEntry): Statement[] {
  const fn = stack.functions.get(entry.id);
  const roleId = logicalId(fn?.role as unknown as IConstruct);
  return ofType("AWS::IAM::Policy")
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []);
}

const [apiEntry] = ofType("AWS::AppSync::Api");
const [apiId, api] = apiEntry ?? ["", undefined];
const eventConfig = api?.Properties?.EventConfig as {
  AuthProviders: { AuthType: string; LambdaAuthorizerConfig?: Record<string, unknown> }[];
  ConnectionAuthModes: { AuthType: string }[];
  DefaultPublishAuthModes: { AuthType: string }[];
  DefaultSubscribeAuthModes: { AuthType: string }[];
  LogConfig?: { CloudWatchLogsRoleArn: unknown; LogLevel: string };
};
const authorizerEntry = HANDLER_ENTRIES.find((h) => h.trigger === "eventApiAuthorizer") as HandlerEntry;
const publishers = HANDLER_ENTRIES.filter((h) => h.capabilities.includes("publishCaptions"));
const apiArn = { "Fn::GetAtt": [apiId, "ApiArn"] };

/** The logical id a `Fn::GetAtt` value refers to. */
function getAttTarget(value: unknown): string {
  const getAtt = (value as { "Fn::GetAtt"?: [string, string] } | undefined)?.["Fn::GetAtt"];
  if (!getAtt) throw new Error(`not a Fn::GetAtt: ${JSON.stringify(value)}`);
  return getAtt[0];
}

describe("caption Event API: auth modes", () => {
  it("is one Event API whose authorizer is the CaptionAuthorizerFunction row", () => {
    expect(ofType("AWS::AppSync::Api")).toHaveLength(1);
    expect(authorizerEntry.id).toBe("CaptionAuthorizerFunction");
    expect(authorizerEntry.file).toBe("lambda/captionAuthorizer.ts");
    const lambda = eventConfig.AuthProviders.find((p) => p.AuthType === "AWS_LAMBDA");
    expect(lambda?.LambdaAuthorizerConfig?.AuthorizerUri).toEqual({
      "Fn::GetAtt": [functionId(authorizerEntry), "Arn"],
    });
    expect(eventConfig.AuthProviders.map((p) => p.AuthType).sort()).toEqual(["AWS_IAM", "AWS_LAMBDA"]);
  });

  it("connects and subscribes listeners by the Lambda authorizer only, publishes by IAM only", () => {
    expect(eventConfig.ConnectionAuthModes).toEqual([{ AuthType: "AWS_LAMBDA" }]);
    expect(eventConfig.DefaultPublishAuthModes).toEqual([{ AuthType: "AWS_IAM" }]);
    expect(eventConfig.DefaultSubscribeAuthModes).toEqual([{ AuthType: "AWS_LAMBDA" }]);
    const namespaces = ofType("AWS::AppSync::ChannelNamespace").map(([, n]) => n.Properties ?? {});
    expect(namespaces).toEqual([
      expect.objectContaining({
        ApiId: { "Fn::GetAtt": [apiId, "ApiId"] },
        Name: CAPTION_NAMESPACE,
        PublishAuthModes: [{ AuthType: "AWS_IAM" }],
        SubscribeAuthModes: [{ AuthType: "AWS_LAMBDA" }],
      }),
    ]);
  });

  it("lets only AppSync, from this API, invoke the authorizer", () => {
    const permissions = ofType("AWS::Lambda::Permission")
      .map(([, p]) => p.Properties ?? {})
      .filter(
        (p) =>
          JSON.stringify(p.FunctionName) === JSON.stringify({ "Fn::GetAtt": [functionId(authorizerEntry), "Arn"] }),
      );
    expect(permissions).toEqual([
      {
        Action: "lambda:InvokeFunction",
        FunctionName: { "Fn::GetAtt": [functionId(authorizerEntry), "Arn"] },
        Principal: "appsync.amazonaws.com",
        SourceArn: apiArn,
      },
    ]);
  });

  it("checks the token's shape before invoking the authorizer, and caches no result", () => {
    const lambda = eventConfig.AuthProviders.find((p) => p.AuthType === "AWS_LAMBDA")?.LambdaAuthorizerConfig;
    expect(lambda?.IdentityValidationExpression).toBe(LISTENER_TOKEN_EXPRESSION);
    // No TTL in the template: AppSync's default, 0 (no caching).
    expect(lambda?.AuthorizerResultTtlInSeconds ?? 0).toBe(0);
    const pattern = new RegExp(LISTENER_TOKEN_EXPRESSION);
    const token = createListenerToken({ s: "amber-harbor-482", l: "l1", exp: 1_900_000_000_000 }, "k".repeat(64));
    expect(pattern.test(token)).toBe(true);
    expect(pattern.test(`Bearer ${token}`)).toBe(false);
    expect(pattern.test(`${token}x`)).toBe(false);
    expect(pattern.test("v1..")).toBe(false);
  });
});

describe("caption Event API: publishers", () => {
  it("grants appsync:EventPublish on the captions namespace to exactly the publishing functions", () => {
    expect(publishers.map((h) => h.id).sort()).toEqual(["CleanupFunction", "OwnerHttpFunction", "WebSocketFunction"]);
    const namespaceArn = {
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":appsync:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          ":apis/",
          { "Fn::GetAtt": [apiId, "ApiId"] },
          `/channelNamespace/${CAPTION_NAMESPACE}`,
        ],
      ],
    };
    for (const h of HANDLER_ENTRIES) {
      const appsync = statementsOf(h).filter((s) => actionsOf(s).some((a) => a.startsWith("appsync:")));
      if (publishers.includes(h)) {
        expect(appsync.flatMap(actionsOf), h.id).toEqual(["appsync:EventPublish"]);
        expect(appsync.flatMap(resourcesOf), h.id).toEqual([namespaceArn]);
      } else {
        expect(appsync, h.id).toEqual([]);
      }
    }
  });

  it("gives the publishing functions, and only them, the HTTP publish URL", () => {
    const url = { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [apiId, "Dns.Http"] }, "/event"]] };
    for (const h of HANDLER_ENTRIES) {
      const env =
        (resources[functionId(h)]?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)
          ?.Variables ?? {};
      if (publishers.includes(h)) expect(env[CAPTION_EVENTS_URL_ENV], h.id).toEqual(url);
      else expect(env, h.id).not.toHaveProperty(CAPTION_EVENTS_URL_ENV);
    }
  });
});

describe("caption Event API: listeners' side", () => {
  it("writes both endpoints into config.json", () => {
    const [, configDeployment] =
      ofType("Custom::CDKBucketDeployment").find(
        ([, d]) => JSON.stringify(d.Properties?.DistributionPaths) === '["/config.json"]',
      ) ?? [];
    const markers = JSON.stringify(configDeployment?.Properties?.SourceMarkers);
    expect(markers).toContain(JSON.stringify({ "Fn::GetAtt": [apiId, "Dns.Http"] }));
    expect(markers).toContain(JSON.stringify({ "Fn::GetAtt": [apiId, "Dns.Realtime"] }));
    template.hasOutput("CaptionEventsRealtimeUrl", {
      Value: { "Fn::Join": ["", ["wss://", { "Fn::GetAtt": [apiId, "Dns.Realtime"] }, REALTIME_PATH]] },
    });
  });

  it("lets the listener page connect to AppSync realtime endpoints of the stack's region (CSP)", () => {
    const [, policy] = ofType("AWS::CloudFront::ResponseHeadersPolicy")[0] ?? [];
    const csp = JSON.stringify(policy?.Properties);
    expect(csp).toMatch(
      /connect-src 'self' [^;]*wss:\/\/\*\.appsync-realtime-api\.eu-west-1\.",\{"Ref":"AWS::URLSuffix"\}/,
    );
    // The wildcard is for realtime hosts only: nothing lets the page reach the HTTP publish endpoint.
    expect(csp).not.toContain("appsync-api");
  });
});

describe("caption Event API: operations", () => {
  it("logs errors to its own log group, written by a role limited to that group", () => {
    const [logGroupId, logGroup] =
      ofType("AWS::Logs::LogGroup").find(([, g]) =>
        (JSON.stringify(g.Properties?.LogGroupName) ?? "").includes("/aws/appsync/apis/"),
      ) ?? [];
    expect(logGroup?.Properties?.LogGroupName).toEqual({
      "Fn::Join": ["", ["/aws/appsync/apis/", { "Fn::GetAtt": [apiId, "ApiId"] }]],
    });
    expect(eventConfig.LogConfig?.LogLevel).toBe("ERROR");
    const roleId = getAttTarget(eventConfig.LogConfig?.CloudWatchLogsRoleArn);
    expect(resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
    const statements = ofType("AWS::IAM::Policy")
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []);
    expect(statements.flatMap(resourcesOf)).toEqual([{ "Fn::GetAtt": [logGroupId, "Arn"] }]);
  });

  it("sits behind a regional web ACL that rate-limits realtime connects per IP", () => {
    const association = ofType("AWS::WAFv2::WebACLAssociation").find(
      ([, a]) => JSON.stringify(a.Properties?.ResourceArn) === JSON.stringify(apiArn),
    );
    expect(association).toBeDefined();
    const aclId = getAttTarget(association?.[1].Properties?.WebACLArn);
    const acl = resources[aclId]?.Properties as { Scope: string; Rules: { Statement: Record<string, unknown> }[] };
    expect(acl.Scope).toBe("REGIONAL");
    const rate = acl.Rules.find((r) => r.Statement.RateBasedStatement)?.Statement.RateBasedStatement;
    expect(rate).toMatchObject({
      Limit: hallRateLimit(CAPTION_CONNECT_TRAFFIC),
      ScopeDownStatement: {
        ByteMatchStatement: {
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: "STARTS_WITH",
          SearchString: REALTIME_PATH,
        },
      },
    });
  });

  it("alarms on refused and failed publishes and on failed deliveries", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm")
      .map(([, a]) => a.Properties as Record<string, unknown>)
      .filter((a) => a.Namespace === "AWS/AppSync");
    const byMetric = Object.fromEntries(alarms.map((a) => [a.MetricName, a]));
    for (const { metric, threshold } of Object.values(CAPTION_EVENT_ALARMS)) {
      expect(byMetric[metric], metric).toMatchObject({ Threshold: threshold, Statistic: "Sum" });
      expect(JSON.stringify(byMetric[metric]?.Dimensions), metric).toContain(
        JSON.stringify({ Name: "EventAPIId", Value: { "Fn::GetAtt": [apiId, "ApiId"] } }),
      );
    }
    expect(alarms).toHaveLength(Object.keys(CAPTION_EVENT_ALARMS).length);
    const [, dashboard] = ofType("AWS::CloudWatch::Dashboard")[0] ?? [];
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    expect(body).toContain("Caption Event API: publishes");
    expect(body).toContain("ActiveConnections");
  });
});
