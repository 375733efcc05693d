import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { createConnectAuthorizer } from "../ws/connectAuthorizer.js";
import { lambdaDeps } from "./lambdaDeps.js";

/** Lambda REQUEST authorizer of the WebSocket API's `$connect` (identity sources: role, sessionId, token). */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  return createConnectAuthorizer(await lambdaDeps())(event);
}
