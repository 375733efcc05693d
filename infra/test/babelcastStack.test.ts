import { LIFECYCLE_EVENT_SOURCE } from "@babelcast/protocol";
import { App, type CfnElement, Stack, Validations } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { TABLE_IDS, TABLES } from "../../backend/src/tables/definitions.js";
import { capabilityActions } from "../lib/constructs/handlerPermissions.js";
import { ListenerSite } from "../lib/constructs/listenerSite.js";
import { CONSOLE_ACTIONS } from "../lib/constructs/presenterAuth.js";
import {
  type Capability,
  HANDLER_ENTRIES,
  type HandlerEntry,
  HTTP_ROUTES,
  LISTENER_HTTP_ROUTES,
  OWNER_HTTP_ROUTES,
  unroutedHttpRoutes,
  WS_ROUTES,
} from "../lib/handlerEntries.js";
import {
  LAMBDA_ENV,
  LISTENER_TOKEN_SECRET_ARN_ENV,
  POOL_GROWTH_FUNCTION_NAME_ENV,
  TABLE_ENV_VARS,
} from "../lib/lambdaEnvironment.js";
import { actionsOf, type Resources, resourcesOf, type Statement, synthBabelcast } from "./synthStack.js";

const { stack, template } = synthBabelcast();
const resources = template.toJSON().Resources as Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function logicalId(construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function functionOf(entry: HandlerEntry) {
  const fn = stack.functions.get(entry.id);
  if (!fn) throw new Error(`no function ${entry.id}`);
  return fn;
}

function statementsIn(policy: Resources[string]): Statement[] {
  return (policy.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];
}

/** Every statement of the inline policies attached to a function's role. */
function statementsOf(entry: HandlerEntry): Statement[] {
  const roleId = logicalId(functionOf(entry).role as unknown as IConstruct);
  return ofType("AWS::IAM::Policy")
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => statementsIn(p));
}

const actionsFor = (entry: HandlerEntry) => statementsOf(entry).flatMap(actionsOf);
const withAction = (entry: HandlerEntry, action: string) =>
  statementsOf(entry).filter((s) => actionsOf(s).includes(action));

describe("presenter sign-in", () => {
  it("lets only admins create presenters, with optional MFA", () => {
    template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
    });
    template.hasResourceProperties("AWS::Cognito::IdentityPool", { AllowUnauthenticatedIdentities: false });
  });

  it("gives the identity pool's signed-in role Transcribe streaming and nothing else", () => {
    const roleId = logicalId(
      stack.node.findChild("Auth").node.findChild("ConsoleIdentities").node.findChild("AuthenticatedRole"),
    );
    const statements = ofType("AWS::IAM::Policy")
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(roleId))
      .flatMap(([, p]) => statementsIn(p));
    expect(statements.flatMap(actionsOf).sort()).toEqual([...CONSOLE_ACTIONS].sort());
    expect(resources[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
  });
});

describe("tables", () => {
  it("creates each shared table definition: keys, indexes, TTL, on-demand, point-in-time recovery", () => {
    expect(ofType("AWS::DynamoDB::Table")).toHaveLength(TABLE_IDS.length);
    for (const id of TABLE_IDS) {
      const def = TABLES[id];
      const key = [
        { AttributeName: def.partitionKey.name, KeyType: "HASH" },
        ...("sortKey" in def ? [{ AttributeName: def.sortKey.name, KeyType: "RANGE" }] : []),
      ];
      template.hasResource("AWS::DynamoDB::Table", {
        DeletionPolicy: def.retain ? "Retain" : "Delete",
        Properties: Match.objectLike({
          KeySchema: key,
          BillingMode: "PAY_PER_REQUEST",
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          ...("timeToLiveAttribute" in def
            ? { TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true } }
            : {}),
          ...(def.globalSecondaryIndexes.length > 0
            ? {
                GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((gsi) =>
                  Match.objectLike({ IndexName: gsi.indexName, Projection: { ProjectionType: gsi.projection } }),
                ),
              }
            : {}),
        }),
      });
    }
  });
});

describe("functions", () => {
  it("deploys every handler of the list once", () => {
    expect(
      ofType("AWS::Lambda::Function").filter(([id]) => HANDLER_ENTRIES.some((h) => id.startsWith(h.id))),
    ).toHaveLength(HANDLER_ENTRIES.length);
  });

  it.each(HANDLER_ENTRIES.map((h) => [h.id, h] as const))(
    "%s runs on arm64, the current Node runtime, with tracing, JSON logs and source maps",
    (_id, entry) => {
      const props = resources[logicalId(functionOf(entry))]?.Properties ?? {};
      expect(props.Runtime).toBe("nodejs24.x");
      expect(props.Architectures).toEqual(["arm64"]);
      expect(props.Handler).toBe("index.handler");
      expect(props.TracingConfig).toEqual({ Mode: "Active" });
      expect(props.LoggingConfig).toMatchObject({ LogFormat: "JSON", ApplicationLogLevel: "INFO" });
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.NODE_OPTIONS).toBe("--enable-source-maps");
      for (const name of [
        ...TABLE_ENV_VARS,
        ...Object.values(LAMBDA_ENV).filter((n) => n !== LAMBDA_ENV.sessionLimits),
      ]) {
        expect(env, name).toHaveProperty(name);
      }
    },
  );

  it("keeps function logs for a month", () => {
    for (const entry of HANDLER_ENTRIES) {
      const logging = resources[logicalId(functionOf(entry))]?.Properties?.LoggingConfig as
        | { LogGroup: { Ref: string } }
        | undefined;
      const logGroup = logging?.LogGroup.Ref ?? "none";
      expect(resources[logGroup]?.Properties?.RetentionInDays).toBe(30);
    }
  });
});

describe("HTTP API", () => {
  const routes = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties as Record<string, unknown>);
  const httpRoutes = routes.filter((r) => String(r.RouteKey).includes("/"));

  it("has exactly the backend's routes, owner routes behind the Cognito JWT authorizer", () => {
    expect(httpRoutes.map((r) => r.RouteKey).sort()).toEqual([...HTTP_ROUTES].sort());
    for (const route of httpRoutes) {
      const owner = OWNER_HTTP_ROUTES.includes(route.RouteKey as (typeof OWNER_HTTP_ROUTES)[number]);
      expect(route.AuthorizationType, String(route.RouteKey)).toBe(owner ? "JWT" : "NONE");
    }
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp("AuthPresentersConsole") }],
        Issuer: Match.objectLike({
          "Fn::Join": Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp("cognito-idp")])]),
        }),
      },
    });
  });

  it("logs access and throttles at the stage", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 200 }),
    });
  });
});

describe("WebSocket API", () => {
  const routes = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties as Record<string, unknown>);
  const wsRoutes = routes.filter((r) => !String(r.RouteKey).includes("/"));

  it("routes every backend route by the message action; $connect through the Lambda authorizer", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      ProtocolType: "WEBSOCKET",
      RouteSelectionExpression: "$request.body.action",
    });
    expect(wsRoutes.map((r) => r.RouteKey).sort()).toEqual([...WS_ROUTES].sort());
    for (const route of wsRoutes) {
      expect(route.AuthorizationType, String(route.RouteKey)).toBe(route.RouteKey === "$connect" ? "CUSTOM" : "NONE");
    }
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "REQUEST",
      IdentitySource: [
        "route.request.querystring.role",
        "route.request.querystring.sessionId",
        "route.request.querystring.token",
      ],
    });
  });
});

describe("least privilege per function", () => {
  const entry = (id: string) => HANDLER_ENTRIES.find((h) => h.id === id) as HandlerEntry;
  const has = (h: HandlerEntry, c: Capability) => h.capabilities.includes(c);

  it("never grants a service-wide action wildcard", () => {
    for (const h of HANDLER_ENTRIES) {
      for (const action of actionsFor(h)) expect(action, h.id).not.toMatch(/(^\*$|:\*$)/);
    }
  });

  it.each(HANDLER_ENTRIES.map((h) => [h.id, h] as const))(
    "%s holds exactly the actions of its capabilities besides its tables and tracing",
    (_id, h) => {
      const actions = new Set(actionsFor(h).filter((a) => !/^(dynamodb|xray):/.test(a)));
      expect([...actions].sort()).toEqual(capabilityActions(h.capabilities));
    },
  );

  it("keeps the public listener function from master URLs, channel changes and connections", () => {
    const listenerFn = entry("ListenerHttpFunction");
    expect(listenerFn.routes).toEqual(LISTENER_HTTP_ROUTES);
    const actions = actionsFor(listenerFn);
    for (const forbidden of [
      "kinesisvideo:ConnectAsMaster",
      "kinesisvideo:CreateSignalingChannel",
      "kinesisvideo:DeleteSignalingChannel",
      "execute-api:ManageConnections",
    ]) {
      expect(actions, forbidden).not.toContain(forbidden);
    }
    expect(actions).toContain("kinesisvideo:ConnectAsViewer");
  });

  it("lets the listener function invoke the pool-growth function and nothing else, and names it in its environment", () => {
    const growth = entry("PoolGrowthFunction");
    const growthId = logicalId(functionOf(growth));
    const invokers = HANDLER_ENTRIES.filter((h) => actionsFor(h).some((a) => a.startsWith("lambda:")));
    expect(invokers.map((h) => h.id)).toEqual(["ListenerHttpFunction"]);
    const listenerFn = entry("ListenerHttpFunction");
    expect(actionsFor(listenerFn).filter((a) => a.startsWith("lambda:"))).toEqual(["lambda:InvokeFunction"]);
    const statements = withAction(listenerFn, "lambda:InvokeFunction");
    expect(statements.flatMap(resourcesOf)).toEqual([{ "Fn::GetAtt": [growthId, "Arn"] }]);
    const env = (
      resources[logicalId(functionOf(listenerFn))]?.Properties?.Environment as { Variables: object } | undefined
    )?.Variables;
    expect(env).toHaveProperty(POOL_GROWTH_FUNCTION_NAME_ENV, { Ref: growthId });
    // The growth function holds what the join may not: channel creation, master URLs, connections.
    for (const action of [
      "kinesisvideo:CreateSignalingChannel",
      "kinesisvideo:ConnectAsMaster",
      "execute-api:ManageConnections",
    ]) {
      expect(actionsFor(growth), action).toContain(action);
    }
    expect(growth.trigger).toBe("functionInvoke");
  });

  it("lets every function that ends sessions delete this deployment's terminologies, and only cleanup list them", () => {
    for (const id of ["OwnerHttpFunction", "WebSocketFunction", "CleanupFunction"]) {
      const statements = withAction(entry(id), "translate:DeleteTerminology");
      expect(statements.length, id).toBeGreaterThan(0);
      for (const s of statements) expect(JSON.stringify(resourcesOf(s)), id).toMatch(/:terminology\/[^"]*\*/);
    }
    const listers = HANDLER_ENTRIES.filter((h) => actionsFor(h).includes("translate:ListTerminologies"));
    expect(listers.map((h) => h.id)).toEqual(["CleanupFunction"]);
  });

  it("builds glossary vocabularies on the owner side only, on this deployment's vocabulary names", () => {
    for (const id of ["OwnerHttpFunction", "WebSocketFunction", "CleanupFunction"]) {
      for (const action of ["transcribe:CreateVocabulary", "transcribe:DeleteVocabulary"]) {
        const statements = withAction(entry(id), action);
        expect(statements.length, `${id} ${action}`).toBeGreaterThan(0);
        for (const s of statements) expect(JSON.stringify(resourcesOf(s)), id).toMatch(/:vocabulary\/[^"]*\*/);
      }
    }
    // The public function only reads a vocabulary's state (the owner's view of GET /sessions/{id}), never builds one.
    expect(actionsFor(entry("ListenerHttpFunction")).filter((a) => a.startsWith("transcribe:"))).toEqual([
      "transcribe:GetVocabulary",
    ]);
    for (const s of withAction(entry("ListenerHttpFunction"), "transcribe:GetVocabulary"))
      expect(JSON.stringify(resourcesOf(s))).toMatch(/:vocabulary\/[^"]*\*/);
    const listers = HANDLER_ENTRIES.filter((h) => actionsFor(h).includes("transcribe:ListVocabularies"));
    expect(listers.map((h) => h.id)).toEqual(["CleanupFunction"]);
    expect(CONSOLE_ACTIONS.filter((a) => /Vocabulary/.test(a))).toEqual([]);
  });

  it("writes session vocabulary filters on the owner side only, on this deployment's filter names", () => {
    for (const id of ["OwnerHttpFunction", "WebSocketFunction", "CleanupFunction"]) {
      for (const action of ["transcribe:CreateVocabularyFilter", "transcribe:DeleteVocabularyFilter"]) {
        const statements = withAction(entry(id), action);
        expect(statements.length, `${id} ${action}`).toBeGreaterThan(0);
        for (const s of statements) expect(JSON.stringify(resourcesOf(s)), id).toMatch(/:vocabularyfilter\/[^"]*\*/);
      }
    }
    expect(actionsFor(entry("ListenerHttpFunction")).some((a) => a.includes("VocabularyFilter"))).toBe(false);
    const listers = HANDLER_ENTRIES.filter((h) => actionsFor(h).includes("transcribe:ListVocabularyFilters"));
    expect(listers.map((h) => h.id)).toEqual(["CleanupFunction"]);
    expect(CONSOLE_ACTIONS.filter((a) => /VocabularyFilter/.test(a))).toEqual([]);
  });

  it("serves every HTTP route by exactly one function: owner routes by the owner function", () => {
    expect(unroutedHttpRoutes()).toEqual([]);
    const integrationOf = (fnId: string) =>
      Object.entries(resources).find(
        ([, r]) =>
          r.Type === "AWS::ApiGatewayV2::Integration" &&
          JSON.stringify(r.Properties?.IntegrationUri).includes(`"${logicalId(functionOf(entry(fnId)))}"`),
      )?.[0];
    const routes = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties as Record<string, unknown>);
    for (const [fnId, keys] of [
      ["OwnerHttpFunction", OWNER_HTTP_ROUTES],
      ["ListenerHttpFunction", LISTENER_HTTP_ROUTES],
    ] as const) {
      const target = JSON.stringify({ "Fn::Join": ["", ["integrations/", { Ref: integrationOf(fnId) }]] });
      const served = routes.filter((r) => JSON.stringify(r.Target) === target).map((r) => r.RouteKey);
      expect(served.sort(), fnId).toEqual([...keys].sort());
    }
  });

  it("gives the listener-token key's ARN, never its value, and only to the functions that sign or check tokens", () => {
    const secretId = logicalId(stack.node.findChild("ListenerTokenSecret"));
    for (const h of HANDLER_ENTRIES) {
      const env = (resources[logicalId(functionOf(h))]?.Properties?.Environment as { Variables: object } | undefined)
        ?.Variables;
      expect(JSON.stringify(env), h.id).not.toMatch(/resolve:secretsmanager|SecretString/);
      expect(env, h.id).not.toHaveProperty("LISTENER_TOKEN_SECRET");
      if (has(h, "listenerTokens")) {
        expect(env, h.id).toHaveProperty(LISTENER_TOKEN_SECRET_ARN_ENV, { Ref: secretId });
        expect(resourcesOf(withAction(h, "secretsmanager:GetSecretValue")[0] as Statement)).toEqual([
          { Ref: secretId },
        ]);
      } else {
        expect(env, h.id).not.toHaveProperty(LISTENER_TOKEN_SECRET_ARN_ENV);
      }
    }
    expect(HANDLER_ENTRIES.filter((h) => has(h, "listenerTokens")).map((h) => h.id)).toEqual([
      "ListenerHttpFunction",
      "ConnectAuthorizerFunction",
      "CaptionAuthorizerFunction",
    ]);
  });

  it("scopes KVS to this deployment's channel-name prefix", () => {
    for (const h of HANDLER_ENTRIES) {
      for (const s of statementsOf(h).filter((st) => actionsOf(st).some((a) => a.startsWith("kinesisvideo:")))) {
        for (const r of resourcesOf(s)) expect(JSON.stringify(r), h.id).toContain(":channel/test-*/*");
      }
    }
  });

  it("scopes ManageConnections to this WebSocket API's stage", () => {
    const apiId = logicalId(stack.node.findChild("WebSocketApi").node.findChild("Api"));
    for (const s of withAction(entry("WebSocketFunction"), "execute-api:ManageConnections")) {
      const arn = JSON.stringify(resourcesOf(s));
      expect(arn).toContain(`{"Ref":"${apiId}"}`);
      expect(arn).toContain("/live/*/@connections/*");
    }
  });

  it("lets the $connect authorizer read sessions and listeners, and write nothing", () => {
    const actions = actionsFor(entry("ConnectAuthorizerFunction"));
    expect(actions).toContain("dynamodb:GetItem");
    expect(actions.filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    const tables = withAction(entry("ConnectAuthorizerFunction"), "dynamodb:GetItem").flatMap(resourcesOf);
    expect(JSON.stringify(tables)).not.toMatch(/Segments|Connections|RateLimits/);
  });

  it("lets only the handlers that publish lifecycle events put them, on this stack's bus", () => {
    const busId = logicalId(stack.node.findChild("LifecycleEvents").node.findChild("Bus"));
    for (const h of HANDLER_ENTRIES.filter((x) => has(x, "lifecycleEvents"))) {
      expect(resourcesOf(withAction(h, "events:PutEvents")[0] as Statement)).toEqual([
        { "Fn::GetAtt": [busId, "Arn"] },
      ]);
    }
  });
});

describe("listener site", () => {
  it("serves a private bucket through CloudFront with origin access control", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        CustomErrorResponses: Match.arrayWith([
          Match.objectLike({ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: "/s/index.html" }),
        ]),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: "redirect-to-https" }),
      }),
    });
  });

  it("sends security headers and a CSP that allows only our APIs and KVS", () => {
    const [, policy] = ofType("AWS::CloudFront::ResponseHeadersPolicy")[0] ?? [];
    const config = JSON.stringify(policy?.Properties);
    expect(config).toContain("default-src 'none'");
    expect(config).toContain("frame-ancestors 'none'");
    expect(config).toMatch(
      /connect-src 'self' ",\{"Fn::GetAtt":\["HttpApi\w+","ApiEndpoint"\]\}," wss:\/\/",\{"Ref":"WebSocketApi\w+"\}/,
    );
    expect(config).toContain(".kinesisvideo.");
    expect(config).toContain('"StrictTransportSecurity"');
    expect(config).toContain('"FrameOption":"DENY"');
  });

  it("publishes the listener build and a config.json made from the stack's outputs", () => {
    const deployments = ofType("Custom::CDKBucketDeployment").map(([, d]) => d.Properties ?? {});
    expect(deployments).toHaveLength(3);
    expect(deployments).toContainEqual(
      expect.objectContaining({ DestinationBucketKeyPrefix: "s/", DistributionPaths: ["/s/*"] }),
    );
    expect(deployments).toContainEqual(expect.objectContaining({ Prune: false, DistributionPaths: ["/config.json"] }));
    expect(stack.site.siteAssetIncluded).toBe(true);
    template.hasOutput("ConfigUrl", {
      Value: { "Fn::Join": ["", Match.arrayWith([Match.stringLikeRegexp("/config\\.json$")])] },
    });
  });
});

describe("console page on the listener site", () => {
  const distribution = () => {
    const [, dist] = ofType("AWS::CloudFront::Distribution")[0] ?? [];
    const props = dist?.Properties as { DistributionConfig: { CacheBehaviors: Record<string, unknown>[] } } | undefined;
    return props?.DistributionConfig ?? { CacheBehaviors: [] };
  };

  it("publishes the console build under /console/, where interpreter links point", () => {
    const deployments = ofType("Custom::CDKBucketDeployment").map(([, d]) => d.Properties ?? {});
    expect(deployments).toContainEqual(
      expect.objectContaining({ DestinationBucketKeyPrefix: "console/", DistributionPaths: ["/console/*"] }),
    );
    const behavior = distribution().CacheBehaviors.find((b) => b.PathPattern === "/console/*");
    expect(behavior).toMatchObject({ ViewerProtocolPolicy: "redirect-to-https" });
    // /console/ is answered with index.html by a viewer-request function.
    expect(behavior?.FunctionAssociations).toEqual([expect.objectContaining({ EventType: "viewer-request" })]);
    const [, fn] = ofType("AWS::CloudFront::Function")[0] ?? [];
    expect(JSON.stringify(fn?.Properties)).toContain("index.html");
    // One origin access control for the listener page and the console.
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
  });

  it("sends the console its own CSP (Cognito, Transcribe, Polly) and lets it use the microphone", () => {
    const behavior = distribution().CacheBehaviors.find((b) => b.PathPattern === "/console/*");
    const policyId = JSON.stringify(behavior?.ResponseHeadersPolicyId);
    const [, policy] =
      ofType("AWS::CloudFront::ResponseHeadersPolicy").find(([logicalId]) => policyId.includes(logicalId)) ?? [];
    const config = JSON.stringify(policy?.Properties);
    expect(config).toContain("default-src 'none'");
    expect(config).toContain("script-src 'self' blob:");
    expect(config).toContain("https://cognito-idp.");
    expect(config).toContain("wss://transcribestreaming.");
    expect(config).toContain("https://polly.");
    expect(config).toContain(".kinesisvideo.");
    expect(config).toContain("microphone=(self)");
    expect(config).toContain('"FrameOption":"DENY"');
  });

  it("keeps the listener page's policy without the microphone", () => {
    const listener = JSON.stringify(
      ofType("AWS::CloudFront::ResponseHeadersPolicy").find(([id]) => id.includes("ListenerSiteSecurityHeaders"))?.[1],
    );
    expect(listener).toContain("microphone=()");
    expect(listener).not.toContain("transcribestreaming");
  });
});

describe("listener site without a listener build", () => {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, "SiteOnly");
  const site = new ListenerSite(stack, "Site", {
    connectSources: ["https://api.example"],
    webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/1",
  });
  site.publish({ config: { version: 1 }, siteDir: "/nonexistent/listener-web/dist" });
  const template = Template.fromStack(stack);

  it("publishes config.json alone and says how to include the page", () => {
    expect(site.siteAssetIncluded).toBe(false);
    template.resourceCountIs("Custom::CDKBucketDeployment", 1);
    template.hasResourceProperties("Custom::CDKBucketDeployment", {
      Prune: false,
      DistributionPaths: ["/config.json"],
    });
    Annotations.fromStack(stack).hasWarning("/SiteOnly/Site", Match.stringLikeRegexp("npm run build"));
  });
});

describe("operations", () => {
  it("alarms on errors, throttles and p99 duration of every function", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm").map(([, a]) => a.Properties as Record<string, unknown>);
    for (const name of ["Errors", "Throttles", "Duration"]) {
      expect(alarms.filter((a) => a.MetricName === name && a.Namespace === "AWS/Lambda")).toHaveLength(
        HANDLER_ENTRIES.length,
      );
    }
    expect(alarms.some((a) => a.MetricName === "Latency" && a.ExtendedStatistic === "p99")).toBe(true);
    expect(alarms.every((a) => Array.isArray(a.AlarmActions) && a.AlarmActions.length === 1)).toBe(true);
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });

  it("has a monthly cost budget that notifies the alarm topic", () => {
    template.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: Match.objectLike({ BudgetType: "COST", TimeUnit: "MONTHLY", BudgetLimit: { Amount: 50, Unit: "USD" } }),
      NotificationsWithSubscribers: Match.arrayWith([
        Match.objectLike({ Subscribers: [Match.objectLike({ SubscriptionType: "SNS" })] }),
      ]),
    });
    template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
  });

  it("runs the cleanup of stale sessions on a schedule", () => {
    const cleanup = logicalId(functionOf(HANDLER_ENTRIES.find((h) => h.trigger === "schedule") as HandlerEntry));
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(15 minutes)",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [cleanup, "Arn"] } })],
    });
  });

  it("keeps session lifecycle events in an archive on their own bus", () => {
    template.resourceCountIs("AWS::Events::EventBus", 1);
    template.hasResourceProperties("AWS::Events::Archive", {
      EventPattern: { source: [LIFECYCLE_EVENT_SOURCE] },
      RetentionDays: 30,
    });
  });
});

describe("cdk-nag AwsSolutions", () => {
  const report = new AwsSolutionsChecks().validateScope(stack);

  it("finds no unacknowledged error", () => {
    const errors = report.violations
      .filter((v) => v.severity === "error")
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);
    expect(errors).toEqual([]);
  });

  it("gives every acknowledgement a reason", () => {
    const acknowledged: [string, string][] = [];
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>))
          acknowledged.push([id, reason]);
      }
    }
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const [id, reason] of acknowledged) expect(reason.trim().length, id).toBeGreaterThan(30);
  });
});
