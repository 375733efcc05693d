import { HTTP_CORS } from "@babelcast/protocol";
import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IUserPool, IUserPoolClient } from "aws-cdk-lib/aws-cognito";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

export interface SessionsHttpApiProps {
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
}

/**
 * The HTTP API (sessions, join, transcript). Owner routes carry a JWT authorizer on the
 * presenter user pool, so an unsigned request never reaches a function.
 */
export class SessionsHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  private readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: SessionsHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, "Api", {
      description: "Babelcast sessions, join and transcript",
      createDefaultStage: false,
      // The same CORS rules as the embedded gateway (the console and the listener page are other origins).
      corsPreflight: {
        allowOrigins: ["*"],
        allowMethods: HTTP_CORS.allowMethods.map((m) => CorsHttpMethod[m]),
        allowHeaders: [...HTTP_CORS.allowHeaders],
        exposeHeaders: [...HTTP_CORS.exposeHeaders],
        maxAge: Duration.seconds(HTTP_CORS.maxAgeSeconds),
      },
    });
    const accessLogs = new LogGroup(this, "AccessLogs", {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const region = Stack.of(this).region;
    this.authorizer = new HttpJwtAuthorizer(
      "PresenterJwt",
      `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
      { jwtAudience: [props.userPoolClient.userPoolClientId], identitySource: ["$request.header.Authorization"] },
    );
  }

  /** `https://{id}.execute-api.{region}.amazonaws.com` (the `$default` stage has no path). */
  get url(): string {
    return this.api.apiEndpoint;
  }

  /** Routes every key (`"POST /sessions"`) to one function; owner routes get the JWT authorizer. */
  addRoutes(routeKeys: readonly string[], ownerRoutes: readonly string[], fn: IFunction): void {
    const integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn);
    for (const routeKey of routeKeys) {
      const [method = "", path = ""] = routeKey.split(" ");
      const owner = ownerRoutes.includes(routeKey);
      const routes = this.api.addRoutes({
        path,
        methods: [HttpMethod[method as keyof typeof HttpMethod]],
        integration,
        ...(owner ? { authorizer: this.authorizer } : {}),
      });
      if (!owner) {
        for (const route of routes) {
          Validations.of(route).acknowledge({
            id: "AwsSolutions-APIG4",
            reason:
              "Listener route: listeners are anonymous by design; the handler checks the listener token, passcode or public flag.",
          });
        }
      }
    }
  }
}
