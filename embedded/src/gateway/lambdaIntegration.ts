import { HANDLER_ENTRIES } from "@babelcast/backend/handlers/deployedFunctions.js";
import type { FunctionId } from "@babelcast/backend/handlers/functionSettings.js";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import type { ConnectionIdentity } from "@babelcast/backend/handlers/ws/connectAuthorizer.js";
import type { WsEvent, WsResult } from "@babelcast/backend/handlers/ws/webSocketApi.js";
import { ApiFailure } from "@babelcast/backend/services/apiErrors.js";
import { PATHS } from "@babelcast/protocol";
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEvent,
} from "aws-lambda";
import { FunctionError, type LambdaRuntime } from "../lambda/lambdaRuntime.js";

/**
 * Each HTTP route's function, as the stack integrates it: owner routes and listener routes are
 * separate functions with separate roles (`backend/src/handlers/deployedFunctions.ts`).
 */
const HTTP_ROUTE_FUNCTIONS: ReadonlyMap<string, string> = new Map(
  HANDLER_ENTRIES.filter((e) => e.trigger === "httpApi").flatMap((e) => (e.routes ?? []).map((r) => [r, e.id])),
);
const WEBSOCKET_FUNCTION: FunctionId = "WebSocketFunction";
const AUTHORIZER_FUNCTION: FunctionId = "ConnectAuthorizerFunction";

/**
 * What the HTTP API answers when its Lambda integration fails (the function threw, timed
 * out or returned something unusable): 500 with API Gateway's own body.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
 */
const INTEGRATION_FAILURE: APIGatewayProxyStructuredResultV2 = {
  statusCode: 500,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ message: "Internal Server Error" }),
};

/**
 * API Gateway's side of the Lambda integrations: it invokes the functions in the embedded
 * Lambda runtime and reads their answers as API Gateway does.
 */
export function lambdaIntegration(lambda: LambdaRuntime, where: { region: string; accountId: string; log: Logger }) {
  const stage = PATHS.webSocket.slice(1);
  // What CloudWatch Logs would hold for a failed invocation.
  const logFailure = (functionName: string, err: unknown) =>
    where.log.error("function failed", {
      function: functionName,
      ...(err instanceof FunctionError ? err.runtimeError : { error: String(err) }),
    });
  return {
    async httpRequest(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
      const functionName = HTTP_ROUTE_FUNCTIONS.get(event.routeKey);
      if (!functionName) throw new Error(`no function serves the HTTP route ${event.routeKey}`);
      try {
        return await lambda.invoke<APIGatewayProxyStructuredResultV2>(functionName, event);
      } catch (err) {
        logFailure(functionName, err);
        if (err instanceof FunctionError) return INTEGRATION_FAILURE;
        throw err;
      }
    },

    async webSocketMessage(event: WsEvent): Promise<WsResult> {
      try {
        return await lambda.invoke<WsResult>(WEBSOCKET_FUNCTION, event);
      } catch (err) {
        logFailure(WEBSOCKET_FUNCTION, err);
        throw err;
      }
    },

    /**
     * The `$connect` REQUEST authorizer: an Allow policy admits the connection with the
     * authorizer's context; the error "Unauthorized" answers 401, a Deny policy 403, any
     * other failure 500. https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-output.html
     */
    async authorizeConnect(query: Record<string, string>): Promise<ConnectionIdentity> {
      const event = {
        type: "REQUEST",
        methodArn: `arn:aws:execute-api:${where.region}:${where.accountId}:embedded/${stage}/$connect`,
        queryStringParameters: query,
        requestContext: { routeKey: "$connect", eventType: "CONNECT", stage, apiId: "embedded" },
      } as unknown as APIGatewayRequestAuthorizerEvent;
      let result: APIGatewayAuthorizerResult;
      try {
        result = await lambda.invoke<APIGatewayAuthorizerResult>(AUTHORIZER_FUNCTION, event);
      } catch (err) {
        if (err instanceof FunctionError && err.runtimeError.errorMessage === "Unauthorized") {
          throw new ApiFailure(401, "Unauthorized", "Unauthorized");
        }
        logFailure(AUTHORIZER_FUNCTION, err);
        throw err;
      }
      const allowed = result.policyDocument.Statement.some(
        (statement) => statement.Effect === "Allow" && "Action" in statement,
      );
      if (!allowed) throw new ApiFailure(403, "Forbidden", "Forbidden");
      return result.context as unknown as ConnectionIdentity;
    },
  };
}
