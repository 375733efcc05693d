import type { IncomingMessage, ServerResponse } from "node:http";
import { PATHS } from "@babelcast/protocol";
import type { CallerDirectory } from "../auth/callerDirectory.js";
import type { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { FaultSwitch } from "../faults.js";
import { AwsServiceError, REST_JSON, requestIdHeader, sendAwsError } from "../http/awsResponses.js";
import { readLimitedBody } from "../http/requestBody.js";
import { type GatewayConnection, postToConnection } from "./webSocketGateway.js";
import { WEBSOCKET_LIMITS } from "./webSocketLimits.js";

/** API Gateway's limit for PostToConnection data (`PayloadTooLargeException` above it). */
export const MAX_POST_BYTES = WEBSOCKET_LIMITS.postToConnectionBytes;

/** The Management API is rest-json: the error type in `x-amzn-ErrorType`, the message in the body. */
function refuse(res: ServerResponse, status: number, type: string, message: string): void {
  sendAwsError(res, new AwsServiceError(type, status, message), REST_JSON);
}

/**
 * The API Gateway Management API of the embedded WebSocket API: `POST|GET|DELETE
 * /@connections/{id}` under `/aws/apigateway`, SigV4-verified (service `execute-api`).
 * Data goes out as text frames, whatever it holds, as API Gateway sends it.
 */
export async function handleManagementRequest(
  req: IncomingMessage,
  res: ServerResponse,
  connections: ReadonlyMap<string, GatewayConnection>,
  verifier: SigV4Verifier,
  faults?: FaultSwitch,
  /** Who may manage connections; absent, the verifier knows only the account's key, which may. */
  callers?: CallerDirectory,
): Promise<void> {
  if (faults) {
    await faults.delay();
    switch (faults.decide()) {
      case "drop":
        req.socket.destroy();
        return;
      case "throttle":
        req.resume();
        refuse(res, 429, "LimitExceededException", "Rate exceeded");
        return;
      case "error":
        req.resume();
        refuse(res, 500, "InternalServerErrorException", "Internal server error (injected fault)");
        return;
      case "none":
        break;
    }
  }
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const match = new RegExp(`^${PATHS.apigatewaymanagementapi}/@connections/([^/]+)$`).exec(path);
  const body = await readLimitedBody(req, MAX_POST_BYTES);
  if (body === undefined) {
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
    refuse(res, 413, "PayloadTooLargeException", "The data has exceeded the maximum size allowed.");
    return;
  }
  const verdict = await verifier.verifyHeader({
    method: req.method ?? "GET",
    path,
    rawQuery: q < 0 ? "" : raw.slice(q + 1),
    headers: req.headers,
    body,
  });
  if (!verdict.ok) {
    refuse(res, 403, "ForbiddenException", verdict.message);
    return;
  }
  // execute-api:ManageConnections on this stage's connections; a role without it gets 403.
  const decision = callers?.authorize(verdict.accessKeyId, "execute-api:ManageConnections", "connections", path);
  if (decision && !decision.allowed) {
    refuse(res, 403, "ForbiddenException", decision.message);
    return;
  }
  if (!match) {
    refuse(res, 404, "NotFoundException", `No method at ${path}.`);
    return;
  }
  const connectionId = decodeURIComponent(match[1] ?? "");
  const connection = connections.get(connectionId);
  if (!connection || connection.socket.readyState !== connection.socket.OPEN) {
    refuse(res, 410, "GoneException", `Connection ${connectionId} is gone.`);
    return;
  }
  switch (req.method) {
    case "POST":
      postToConnection(connection, body);
      res.writeHead(200, { "content-length": 0, ...requestIdHeader() });
      res.end();
      return;
    case "GET": {
      const text = JSON.stringify({
        connectedAt: new Date(connection.connectedAt).toISOString(),
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
      });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        ...requestIdHeader(),
      });
      res.end(text);
      return;
    }
    case "DELETE":
      connection.socket.close(1000, "closed by the server");
      res.writeHead(204, requestIdHeader());
      res.end();
      return;
    default:
      refuse(res, 405, "MethodNotAllowedException", `${req.method} is not supported on @connections.`);
  }
}
