import { WS_ROUTE_SELECTION_EXPRESSION } from "@babelcast/protocol";
import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from "aws-cdk-lib/aws-apigatewayv2";
import { WebSocketLambdaAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { WebSocketLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

export const WEBSOCKET_STAGE_NAME = "live";

/**
 * The WebSocket API: console and listener messages, routed by their `action`. Listener counts,
 * segment progress and speech frames go back to the console through the Management API. For
 * listeners it is presence (counts), language changes and caption replay after a reconnect;
 * live captions, partials and status reach them through the caption Event API
 * (`captionEventApi.ts`, docs/scaling.md).
 */
export class SessionsWebSocketApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.api = new WebSocketApi(this, "Api", {
      description: "Babelcast console and listener messages",
      routeSelectionExpression: WS_ROUTE_SELECTION_EXPRESSION,
    });
    const accessLogs = new LogGroup(this, "AccessLogs", {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new WebSocketStage(this, "Stage", {
      webSocketApi: this.api,
      stageName: WEBSOCKET_STAGE_NAME,
      autoDeploy: true,
      throttle: { rateLimit: 500, burstLimit: 1000 },
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            connectionId: "$context.connectionId",
            routeKey: "$context.routeKey",
            eventType: "$context.eventType",
            status: "$context.status",
            integrationError: "$context.integrationErrorMessage",
            requestTime: "$context.requestTime",
          }),
        ),
      },
    });
  }

  /** `wss://{id}.execute-api.{region}.amazonaws.com/live`, handed to the console and listeners. */
  get url(): string {
    return this.stage.url;
  }

  /** `https://...`: the Management API endpoint the handlers post to connections through. */
  get managementEndpoint(): string {
    return this.stage.callbackUrl;
  }

  /**
   * Routes every key to one function. `$connect` goes through the authorizer when one is
   * given: a connection without a valid presenter JWT or listener token never opens.
   */
  addRoutes(routeKeys: readonly string[], fn: IFunction, connectAuthorizer?: WebSocketLambdaAuthorizer): void {
    const integration = new WebSocketLambdaIntegration(`${fn.node.id}Integration`, fn);
    for (const routeKey of routeKeys) {
      const authorized = routeKey === "$connect" && connectAuthorizer !== undefined;
      const route = this.api.addRoute(routeKey, {
        integration,
        ...(authorized ? { authorizer: connectAuthorizer } : {}),
      });
      if (!authorized) {
        Validations.of(route).acknowledge({
          id: "AwsSolutions-APIG4",
          reason:
            "WebSocket APIs authorize once, at $connect; messages arrive on the connection that authorizer admitted.",
        });
      }
    }
  }

  /** A REQUEST authorizer for `$connect` reading the given identity sources. */
  connectAuthorizer(fn: IFunction, identitySource: readonly string[]): WebSocketLambdaAuthorizer {
    return new WebSocketLambdaAuthorizer("ConnectAuthorizer", fn, { identitySource: [...identitySource] });
  }
}
