import { CAPTION_NAMESPACE } from "@babelcast/protocol";
import { Aws, RemovalPolicy, Stack } from "aws-cdk-lib";
import { AppSyncAuthorizationType, type CfnApi, type ChannelNamespace, EventApi } from "aws-cdk-lib/aws-appsync";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { SessionLimits } from "../../../backend/src/aws/runtimeConfig.js";
import { type HallTraffic, hallRateLimit, WebFirewall } from "./webFirewall.js";

/**
 * Listener tokens as the join hands them out (`backend/src/services/listenerTokens.ts`):
 * `v1.<base64url claims>.<base64url HMAC-SHA256>` (a 32-byte MAC is 43 unpadded base64url
 * characters). AppSync checks the `Authorization` value against this expression before it
 * invokes the authorizer, so garbage never costs an invocation
 * (https://docs.aws.amazon.com/appsync/latest/APIReference/API_LambdaAuthorizerConfig.html).
 */
export const LISTENER_TOKEN_EXPRESSION = "^v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$";

/**
 * Authorizer results are not cached (TTL 0, AppSync's default; at most 3600 s, and the
 * function may return `ttlOverride`:
 * https://docs.aws.amazon.com/appsync/latest/APIReference/API_LambdaAuthorizerConfig.html).
 * AppSync documents the cache as keyed by the token and does not say that an Event API's cached
 * result is scoped to the channel: a cached "yes" for a connect must never admit a subscribe to
 * another session's channel, so every connect and subscribe reaches the authorizer.
 */
export const AUTHORIZER_RESULT_TTL_SECONDS = 0;

/**
 * Requests of one listener's arrival at the realtime endpoint: its WebSocket connect, through
 * a hall behind one NAT at the backend's own per-IP join limit; each listener may connect
 * three times in the window (the first connect, a network change, a token refresh).
 */
export const CAPTION_CONNECT_TRAFFIC: HallTraffic = {
  joinsPerMinute: SessionLimits.parse({}).joinsPerIpPerMinute,
  requestsPerJoin: 1,
  arrivalsPerListener: 3,
};

/** The realtime endpoint's path (connects); the HTTP endpoint publishes on `/event`. */
export const REALTIME_PATH = "/event/realtime";

/**
 * Managed rules that read the request body count instead of blocking: publish bodies carry
 * caption text, which is whatever the presenter said (a talk about web security says
 * `<script>`); only the deployment's own functions may publish (IAM).
 */
const BODY_RULES_COUNTED = {
  AWSManagedRulesCommonRuleSet: [
    "SizeRestrictions_BODY",
    "CrossSiteScripting_BODY",
    "GenericLFI_BODY",
    "GenericRFI_BODY",
    "EC2MetaDataSSRF_BODY",
  ],
  AWSManagedRulesKnownBadInputsRuleSet: ["JavaDeserializationRCE_BODY", "Log4JRCE_BODY"],
} as const;

export interface CaptionEventApiProps {
  /** The listeners' AWS_LAMBDA authorizer (the CaptionAuthorizerFunction row). */
  readonly authorizer: IFunction;
}

/**
 * The caption Event API (AWS AppSync Events): the backend publishes each caption, partial and
 * session status once per language to `/captions/<sessionId>/<language>`, and AppSync delivers
 * it to every listener subscribed there. Two auth modes, each for one side:
 * - AWS_IAM: publishing, only on the `captions` namespace, only by functions holding the
 *   `publishCaptions` capability (SigV4, service `appsync`);
 * - AWS_LAMBDA: listeners' connect and subscribe, with the listener token from the join;
 *   the authorizer admits a subscribe only to its own session's channels.
 * Nobody can subscribe with IAM or publish with a listener token.
 * https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html
 */
export class CaptionEventApi extends Construct {
  readonly api: EventApi;
  readonly namespace: ChannelNamespace;
  readonly logGroup: LogGroup;
  readonly firewall: WebFirewall;

  constructor(scope: Construct, id: string, props: CaptionEventApiProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.api = new EventApi(this, "Api", {
      apiName: `${stackName}-captions`.slice(0, 50),
      authorizationConfig: {
        authProviders: [
          { authorizationType: AppSyncAuthorizationType.IAM },
          {
            authorizationType: AppSyncAuthorizationType.LAMBDA,
            lambdaAuthorizerConfig: {
              handler: props.authorizer,
              validationRegex: LISTENER_TOKEN_EXPRESSION,
              // Duration.seconds(0) would be omitted from the template; AppSync's default is 0.
            },
          },
        ],
        connectionAuthModeTypes: [AppSyncAuthorizationType.LAMBDA],
        defaultPublishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        defaultSubscribeAuthModeTypes: [AppSyncAuthorizationType.LAMBDA],
      },
    });
    // The EventApi construct grants appsync.amazonaws.com lambda:InvokeFunction on the authorizer
    // with SourceArn = this API's ARN (AppSync needs that resource policy:
    // https://docs.aws.amazon.com/appsync/latest/APIReference/API_LambdaAuthorizerConfig.html).

    this.namespace = this.api.addChannelNamespace("Captions", {
      channelNamespaceName: CAPTION_NAMESPACE,
      authorizationConfig: {
        publishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        subscribeAuthModeTypes: [AppSyncAuthorizationType.LAMBDA],
      },
    });

    // Request logs at ERROR: ALL would write a line per delivery (100,000 listeners × captions).
    // AppSync writes to `/aws/appsync/apis/<apiId>`; the group is made here with a retention,
    // and the role may write to that group only (not the AWS managed policy's every group).
    this.logGroup = new LogGroup(this, "Logs", {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logsRole = new Role(this, "LogsRole", {
      assumedBy: new ServicePrincipal("appsync.amazonaws.com"),
      description: "AppSync writes the caption Event API's request logs",
    });
    this.logGroup.grantWrite(logsRole);
    (this.api.node.defaultChild as CfnApi).addPropertyOverride("EventConfig.LogConfig", {
      CloudWatchLogsRoleArn: logsRole.roleArn,
      LogLevel: "ERROR",
    });

    // WAF evaluates the API's HTTP requests before any auth mode
    // (https://docs.aws.amazon.com/appsync/latest/eventapi/using-waf-protect-apis.html). The
    // per-IP limit counts realtime connects only: the backend's publishes leave Lambda through
    // shared AWS addresses, and only its IAM-signed functions may publish anyway.
    this.firewall = new WebFirewall(this, "Firewall", {
      scope: "REGIONAL",
      name: "babelcast-captions",
      description: "Babelcast caption Event API: listener connects and backend publishes",
      requestsPerIpLimit: hallRateLimit(CAPTION_CONNECT_TRAFFIC),
      rateLimitedPathPrefix: REALTIME_PATH,
      countOnly: BODY_RULES_COUNTED,
    });
    this.firewall.protect("Association", this.api.apiArn);
  }

  /** `https://<http-domain>/event`: where the backend publishes (SigV4, service `appsync`). */
  get httpUrl(): string {
    return `https://${this.api.httpDns}/event`;
  }

  /** `wss://<realtime-domain>/event/realtime`: where listeners subscribe. */
  get realtimeUrl(): string {
    return `wss://${this.api.realtimeDns}${REALTIME_PATH}`;
  }

  /**
   * `arn:aws:appsync:<region>:<account>:apis/<apiId>/channelNamespace/captions`: the resource of
   * appsync:EventPublish (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsappsync.html).
   */
  get namespaceArn(): string {
    return `arn:${Aws.PARTITION}:appsync:${Aws.REGION}:${Aws.ACCOUNT_ID}:apis/${this.api.apiId}/channelNamespace/${CAPTION_NAMESPACE}`;
  }
}

/**
 * A wildcard for the listener page's CSP: the realtime host is `<dnsId>.appsync-realtime-api.<region>.<suffix>`,
 * where `dnsId` is not the API id; the exact host cannot be written into the CSP (see
 * `BabelcastStack`), so the page may connect to AppSync realtime endpoints of its region.
 */
export function realtimeHostWildcard(region: string): string {
  return `wss://*.appsync-realtime-api.${region}.${Aws.URL_SUFFIX}`;
}
