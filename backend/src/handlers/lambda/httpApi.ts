import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { createHttpApiHandler } from "../http/httpApi.js";
import { lambdaDeps } from "./lambdaDeps.js";

/** Lambda entry of the HTTP API (every route of `HTTP_ROUTES`). */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return createHttpApiHandler(await lambdaDeps())(event);
}
