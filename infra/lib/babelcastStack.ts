import { fileURLToPath } from "node:url";
import { CAPTION_NAMESPACE } from "@babelcast/protocol";
import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { FUNCTION_SETTINGS } from "../../backend/src/handlers/functionSettings.js";
import { TABLES, type TableId } from "../../backend/src/tables/definitions.js";
import { cloudConfigDocument } from "./cloudConfig.js";
import { ApiGatewayLogsRole } from "./constructs/apiGatewayLogsRole.js";
import { BackendFunction } from "./constructs/backendFunction.js";
import { CaptionEventApi, realtimeHostWildcard } from "./constructs/captionEventApi.js";
import { ConsolePage } from "./constructs/consolePage.js";
import { DataTables } from "./constructs/dataTables.js";
import {
  CAPABILITY_GRANTS,
  grantCapabilities,
  grantResourceArn,
  type PermissionTargets,
  WILDCARD_REASONS,
} from "./constructs/handlerPermissions.js";
import { LifecycleEvents } from "./constructs/lifecycleEvents.js";
import { ListenerSite } from "./constructs/listenerSite.js";
import { Monitoring } from "./constructs/monitoring.js";
import { PRESENTER_SIGN_IN_TRAFFIC, PresenterAuth } from "./constructs/presenterAuth.js";
import { RecordingsBucket } from "./constructs/recordingsBucket.js";
import { RelayService, type RelayServiceProps } from "./constructs/relayService.js";
import { SessionCleanup } from "./constructs/sessionCleanup.js";
import { SessionsHttpApi } from "./constructs/sessionsHttpApi.js";
import { SessionsWebSocketApi, WEBSOCKET_STAGE_NAME } from "./constructs/sessionsWebSocketApi.js";
import { hallRateLimit, WebFirewall } from "./constructs/webFirewall.js";
import {
  CONNECT_IDENTITY_SOURCES,
  HANDLER_ENTRIES,
  type HandlerEntry,
  handlerPath,
  missingHandlers,
  OWNER_HTTP_ROUTES,
  unroutedHttpRoutes,
  WS_ROUTES,
} from "./handlerEntries.js";
import {
  CAPTION_EVENTS_URL_ENV,
  LAMBDA_ENV,
  LISTENER_TOKEN_SECRET_ARN_ENV,
  POOL_GROWTH_FUNCTION_NAME_ENV,
  RECORDINGS_BUCKET_ENV,
  RECORDINGS_EXPIRE_DAYS_ENV,
  RELAY_KEY_SECRET_ARN_ENV,
} from "./lambdaEnvironment.js";
import { acknowledgeWildcardResource } from "./nagFindings.js";

export const LISTENER_WEB_DIST = fileURLToPath(new URL("../../listener-web/dist", import.meta.url));

/** The console renderer build (`node electron/scripts/build.mjs`), served at `/console/` for interpreters. */
export const CONSOLE_WEB_DIST = fileURLToPath(new URL("../../electron/dist/renderer", import.meta.url));

export interface BabelcastStackProps extends StackProps {
  readonly handlers?: readonly HandlerEntry[];
  /** Monthly cost budget in USD (default 50). */
  readonly monthlyBudgetUsd?: number;
  readonly alarmEmail?: string;
  /** Built listener page; skipped when the folder does not exist. */
  readonly listenerSiteDir?: string;
  /** Built console renderer for `/console/`; skipped when the folder does not exist. */
  readonly consoleSiteDir?: string;
  /**
   * Whether the stack sets the region's API Gateway CloudWatch Logs role (default true).
   * False only where the account's settings already name a role, managed elsewhere.
   */
  readonly createApiGatewayLogsRole?: boolean;
  /** The listener site's WAF web ACL (scope CLOUDFRONT, us-east-1: `ListenerSiteFirewallStack`). */
  readonly listenerSiteWebAclArn: string;
  /** Days the recordings bucket keeps a recording before its lifecycle rule deletes it (default 30). */
  readonly recordingExpireDays?: number;
  /**
   * Audio relays as an autoscaled ECS Fargate service (`RelayService`, docs/deploy.md "Audio
   * relays"). Off by default: a deployment without it changes in nothing.
   */
  readonly relays?: boolean;
  /** Sizes and scaling of the relay service (defaults in `RelayService`). */
  readonly relayOptions?: RelayOptions;
}

export type RelayOptions = Omit<RelayServiceProps, "apiUrl" | "relayKeySecret">;

/** An HTTP route a relay calls (`POST /relays`, `POST /relays/{relayId}/heartbeat`, ...). */
export function isRelayRoute(route: string): boolean {
  return /^[A-Z]+ \/relays(\/|$)/.test(route);
}

/** Everything of the cloud side in one stack: sign-in, tables, APIs, handlers, site, monitoring. */
export class BabelcastStack extends Stack {
  readonly functions: ReadonlyMap<string, BackendFunction>;
  readonly site: ListenerSite;
  readonly relays?: RelayService;
  readonly recordings: RecordingsBucket;

  constructor(scope: Construct, id: string, props: BabelcastStackProps) {
    super(scope, id, props);
    const handlers = props.handlers ?? HANDLER_ENTRIES;
    const missing = missingHandlers(handlers);
    if (missing.length > 0) {
      throw new Error(
        `backend handlers not found: ${missing.map((h) => `backend/src/handlers/${h.file}`).join(", ")}; ` +
          "write them or remove their entries from infra/lib/handlerEntries.ts",
      );
    }
    const unrouted = unroutedHttpRoutes(handlers);
    if (unrouted.length > 0) {
      throw new Error(
        `HTTP routes served by no function or by several: ${unrouted.join(", ")}; fix the routes of the httpApi entries in infra/lib/handlerEntries.ts`,
      );
    }
    const prefix = `${this.stackName.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-`;

    const auth = new PresenterAuth(this, "Auth");
    new WebFirewall(this, "SignInFirewall", {
      scope: "REGIONAL",
      name: "babelcast-sign-in",
      description: "Babelcast presenter sign-in: the Cognito user pool API",
      requestsPerIpLimit: hallRateLimit(PRESENTER_SIGN_IN_TRAFFIC),
    }).protect("UserPool", auth.userPool.userPoolArn);
    const data = new DataTables(this, "Tables");
    const events = new LifecycleEvents(this, "LifecycleEvents");
    const httpApi = new SessionsHttpApi(this, "HttpApi", { userPool: auth.userPool, userPoolClient: auth.client });
    const webSocket = new SessionsWebSocketApi(this, "WebSocketApi");
    if (props.createApiGatewayLogsRole ?? true) {
      // The WebSocket stage's access logs need the account's logging role set first.
      const apiGatewayLogs = new ApiGatewayLogsRole(this, "ApiGatewayLogs");
      webSocket.stage.node.addDependency(apiGatewayLogs.account);
    }
    const region = this.region;
    const siteConnectSources = [
      httpApi.url,
      `wss://${webSocket.api.apiId}.execute-api.${region}.${Aws.URL_SUFFIX}`,
      // Caption channels. Not the API's exact realtime host: the authorizer function's
      // environment holds this site's URL, the API holds the authorizer's ARN, so the site's
      // CSP naming the API's host would be a circular dependency in the template.
      realtimeHostWildcard(region),
      `wss://*.kinesisvideo.${region}.${Aws.URL_SUFFIX}`,
      `https://*.kinesisvideo.${region}.${Aws.URL_SUFFIX}`,
    ];
    this.site = new ListenerSite(this, "ListenerSite", {
      webAclArn: props.listenerSiteWebAclArn,
      connectSources: siteConnectSources,
    });

    this.recordings = new RecordingsBucket(this, "Recordings", {
      expireDays: props.recordingExpireDays ?? 30,
      siteOrigin: this.site.url,
      accessLogs: this.site.accessLogs,
    });

    const tokenSecret = new Secret(this, "ListenerTokenSecret", {
      description: "HMAC key of Babelcast listener tokens",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(tokenSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason: "Listener tokens live 15 minutes; rotating the key means a redeploy, which ends no session.",
    });

    const relayKeySecret = new Secret(this, "RelayKeySecret", {
      description: "Key Babelcast relay agents present on the relay routes",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(relayKeySecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason: "Relays read the key at start; rotating it means restarting the relays, which the pool survives.",
    });

    const environment: Record<string, string> = {
      ...data.environment(),
      [LAMBDA_ENV.userPoolId]: auth.userPool.userPoolId,
      [LAMBDA_ENV.userPoolClientId]: auth.client.userPoolClientId,
      [LAMBDA_ENV.listenerUrl]: this.site.url,
      // The embed page (served by the HTTP API) connects where the listener page does.
      [LAMBDA_ENV.pageConnectSources]: siteConnectSources.join(" "),
      [LAMBDA_ENV.webSocketUrl]: webSocket.url,
      [LAMBDA_ENV.webSocketManagementEndpoint]: webSocket.managementEndpoint,
      [LAMBDA_ENV.channelNamePrefix]: prefix,
      [LAMBDA_ENV.terminologyNamePrefix]: prefix,
      [LAMBDA_ENV.vocabularyNamePrefix]: prefix,
      [LAMBDA_ENV.eventBusName]: events.bus.eventBusName,
    };

    const functions = new Map<string, BackendFunction>();
    for (const entry of handlers) {
      const fn = new BackendFunction(this, entry.id, {
        entry: handlerPath(entry),
        description: entry.description,
        environment: {
          ...environment,
          // Only the ARN: the function reads the key from Secrets Manager at init.
          ...(entry.capabilities.includes("listenerTokens")
            ? { [LISTENER_TOKEN_SECRET_ARN_ENV]: tokenSecret.secretArn }
            : {}),
          ...(entry.capabilities.includes("relayKey") ? { [RELAY_KEY_SECRET_ARN_ENV]: relayKeySecret.secretArn } : {}),
        },
        ...(entry.memorySize ? { memorySize: entry.memorySize } : {}),
        ...(entry.timeoutSeconds ? { timeout: Duration.seconds(entry.timeoutSeconds) } : {}),
      });
      functions.set(entry.id, fn);
    }
    // The caption Event API needs its authorizer function; publishers need the API.
    const [captionAuthorizer] = handlers
      .filter((h) => h.trigger === "eventApiAuthorizer")
      .map((h) => functions.get(h.id) as BackendFunction);
    if (!captionAuthorizer) {
      throw new Error("the caption Event API needs a handler entry with the eventApiAuthorizer trigger");
    }
    const captionEvents = new CaptionEventApi(this, "CaptionEvents", { authorizer: captionAuthorizer });
    // Grants come once every function exists: a function may be another's permission target.
    const poolGrowth = functions.get(FUNCTION_SETTINGS.PoolGrowthFunction.id);
    const targets: PermissionTargets = {
      channelNamePrefix: prefix,
      terminologyNamePrefix: prefix,
      vocabularyNamePrefix: prefix,
      webSocketApiId: webSocket.api.apiId,
      webSocketStageName: WEBSOCKET_STAGE_NAME,
      eventBus: events.bus,
      listenerTokenSecret: tokenSecret,
      relayKeySecret,
      ...(poolGrowth ? { poolGrowthFunctionArn: poolGrowth.functionArn } : {}),
      captionNamespaceArn: captionEvents.namespaceArn,
      recordingsBucketArn: this.recordings.bucket.bucketArn,
    };
    for (const entry of handlers) {
      const fn = functions.get(entry.id) as BackendFunction;
      if (entry.capabilities.includes("invokePoolGrowth") && poolGrowth) {
        fn.addEnvironment(POOL_GROWTH_FUNCTION_NAME_ENV, poolGrowth.functionName);
      }
      if (entry.capabilities.includes("publishCaptions")) {
        fn.addEnvironment(CAPTION_EVENTS_URL_ENV, captionEvents.httpUrl);
      }
      if (entry.capabilities.includes("recordingUploads")) {
        fn.addEnvironment(RECORDINGS_BUCKET_ENV, this.recordings.bucket.bucketName);
        fn.addEnvironment(RECORDINGS_EXPIRE_DAYS_ENV, String(this.recordings.expireDays));
      }
      data.grant(fn, entry.tables);
      grantCapabilities(fn, entry.capabilities, targets);
      acknowledgeFunctionFindings(fn, entry, data, targets);
    }
    this.functions = functions;
    const byTrigger = (trigger: HandlerEntry["trigger"]) =>
      handlers.filter((h) => h.trigger === trigger).map((h) => functions.get(h.id) as BackendFunction);
    for (const entry of handlers.filter((h) => h.trigger === "httpApi")) {
      httpApi.addRoutes(entry.routes ?? [], OWNER_HTTP_ROUTES, functions.get(entry.id) as BackendFunction);
    }
    const [authorizerFn] = byTrigger("webSocketAuthorizer");
    const authorizer = authorizerFn && webSocket.connectAuthorizer(authorizerFn, CONNECT_IDENTITY_SOURCES);
    for (const fn of byTrigger("webSocketApi")) webSocket.addRoutes(WS_ROUTES, fn, authorizer);
    for (const fn of byTrigger("schedule")) new SessionCleanup(this, "SessionCleanup", { handler: fn });

    if (props.relays) this.relays = this.addRelays(httpApi.url, relayKeySecret, props.relayOptions ?? {});

    const config = cloudConfigDocument({
      region,
      apiUrl: httpApi.url,
      webSocketUrl: webSocket.url,
      listenerUrl: this.site.url,
      userPoolId: auth.userPool.userPoolId,
      userPoolClientId: auth.client.userPoolClientId,
      identityPoolId: auth.identityPool.identityPoolId,
      events: { httpUrl: captionEvents.httpUrl, realtimeUrl: captionEvents.realtimeUrl },
    });
    this.site.publish({ config, siteDir: props.listenerSiteDir ?? LISTENER_WEB_DIST });
    new ConsolePage(this, "ConsolePage", {
      bucket: this.site.bucket,
      origin: this.site.origin,
      distribution: this.site.distribution,
      // The console signs in (Cognito), recognizes (Transcribe streaming) and speaks (Polly) itself.
      connectSources: [
        ...siteConnectSources,
        `https://cognito-idp.${region}.${Aws.URL_SUFFIX}`,
        `https://cognito-identity.${region}.${Aws.URL_SUFFIX}`,
        `https://polly.${region}.${Aws.URL_SUFFIX}`,
        // https://docs.aws.amazon.com/transcribe/latest/dg/streaming-websocket.html
        `wss://transcribestreaming.${region}.${Aws.URL_SUFFIX}:8443`,
      ],
      consoleDir: props.consoleSiteDir ?? CONSOLE_WEB_DIST,
    });

    new Monitoring(this, "Monitoring", {
      functions: [...functions.values()],
      httpApi: httpApi.api,
      webSocketApi: webSocket.api,
      webSocketStageName: WEBSOCKET_STAGE_NAME,
      captionEvents: { apiId: captionEvents.api.apiId, namespace: CAPTION_NAMESPACE },
      tables: Object.values(data.tables),
      monthlyBudgetUsd: props.monthlyBudgetUsd ?? 50,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });

    new CfnOutput(this, "ConfigUrl", {
      description: "The console imports this URL to use this deployment",
      value: `${this.site.url}/config.json`,
    });
    new CfnOutput(this, "ListenerUrl", { value: this.site.url });
    new CfnOutput(this, "HttpApiUrl", { value: httpApi.url });
    new CfnOutput(this, "WebSocketUrl", { value: webSocket.url });
    new CfnOutput(this, "UserPoolId", { value: auth.userPool.userPoolId });
    new CfnOutput(this, "EventBusName", { value: events.bus.eventBusName });
    new CfnOutput(this, "CaptionEventsHttpUrl", { value: captionEvents.httpUrl });
    new CfnOutput(this, "CaptionEventsRealtimeUrl", { value: captionEvents.realtimeUrl });
  }

  /**
   * The relay service. Its tasks read the relay key (the `RelayKeySecret` every deployment has
   * for the `/relays` routes, whose functions get it through the "relayKey" capability) by ARN
   * in `BABELCAST_RELAY_KEY_SECRET_ARN`, never by value.
   */
  private addRelays(apiUrl: string, relayKey: Secret, options: RelayOptions): RelayService {
    const relays = new RelayService(this, "Relays", { ...options, apiUrl, relayKeySecret: relayKey });
    new CfnOutput(this, "RelayClusterName", { value: relays.service.cluster.clusterName });
    new CfnOutput(this, "RelayServiceName", { value: relays.service.serviceName });
    // Operators list and drain relays with this key (GET /relays, POST /relays/{relayId}/drain; docs/deploy.md).
    new CfnOutput(this, "RelayKeySecretArn", { value: relayKey.secretArn });
    return relays;
  }
}

/** Findings every backend function has by construction, each acknowledged with its reason. */
function acknowledgeFunctionFindings(
  fn: BackendFunction,
  entry: HandlerEntry,
  data: DataTables,
  targets: PermissionTargets,
): void {
  const grants = entry.capabilities.flatMap((c) => CAPABILITY_GRANTS[c]);
  Validations.of(fn).acknowledge(
    {
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason: "The AWS managed basic execution policy only lets the function write its own log streams.",
    },
    {
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: [
        "X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.",
        ...(grants.some((g) => g.on === "any") ? [WILDCARD_REASONS.any] : []),
      ].join(" "),
    },
  );
  for (const tableId of Object.keys(entry.tables) as TableId[]) {
    if (TABLES[tableId].globalSecondaryIndexes.length === 0) continue;
    acknowledgeWildcardResource(
      fn,
      `${data.tables[tableId].tableArn}/index/*`,
      `Queries the ${tableId} table's own global secondary indexes, defined in backend/src/tables/definitions.ts.`,
    );
  }
  const wildcards = new Set(grants.map((g) => g.on));
  // The caption namespace's ARN has no wildcard: no finding to acknowledge.
  for (const resource of [
    "kvsChannels",
    "connections",
    "terminologies",
    "vocabularies",
    "vocabularyFilters",
    "recordingObjects",
  ] as const) {
    if (wildcards.has(resource)) {
      acknowledgeWildcardResource(fn, grantResourceArn(resource, targets), WILDCARD_REASONS[resource]);
    }
  }
}
