import { isUtf8 } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import { PATHS } from "@babelcast/protocol";
import type { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { FaultSwitch } from "../faults.js";
import { readLimitedBody } from "./requestBody.js";
import type { GatewayConnection } from "./webSocketGateway.js";

/** API Gateway's limit for PostToConnection data. */
export const MAX_POST_BYTES = 128 * 1024;

/**
 * Messages are JSON (text frames); speech frames are bytes (binary frames). Valid UTF-8 alone
 * would not tell them apart: a speech frame of quiet audio can be valid UTF-8.
 */
function isJsonText(body: Buffer): boolean {
  const first = body.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  return (first === 0x7b || first === 0x5b) && isUtf8(body);
}

function sendAwsError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-amzn-errortype": type,
  });
  res.end(body);
}

/**
 * The API Gateway Management API of the embedded WebSocket API: `POST|GET|DELETE
 * /@connections/{id}` under `/aws/apigateway`, SigV4-verified (service `execute-api`).
 * JSON goes out as a text frame, anything else (speech) as a binary frame.
 */
export async function handleManagementRequest(
  req: IncomingMessage,
  res: ServerResponse,
  connections: ReadonlyMap<string, GatewayConnection>,
  verifier: SigV4Verifier,
  faults?: FaultSwitch,
): Promise<void> {
  if (faults) {
    await faults.delay();
    switch (faults.decide()) {
      case "drop":
        req.socket.destroy();
        return;
      case "throttle":
        req.resume();
        sendAwsError(res, 429, "LimitExceededException", "Rate exceeded");
        return;
      case "error":
        req.resume();
        sendAwsError(res, 500, "InternalServerErrorException", "Internal server error (injected fault)");
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
    sendAwsError(res, 413, "PayloadTooLargeException", `Data must be at most ${MAX_POST_BYTES} bytes.`);
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
    sendAwsError(res, 403, "ForbiddenException", verdict.message);
    return;
  }
  if (!match) {
    sendAwsError(res, 404, "NotFoundException", `No method at ${path}.`);
    return;
  }
  const connectionId = decodeURIComponent(match[1] ?? "");
  const connection = connections.get(connectionId);
  if (!connection || connection.socket.readyState !== connection.socket.OPEN) {
    sendAwsError(res, 410, "GoneException", `Connection ${connectionId} is gone.`);
    return;
  }
  switch (req.method) {
    case "POST":
      if (isJsonText(body)) connection.socket.send(body.toString("utf8"), { binary: false });
      else connection.socket.send(body, { binary: true });
      res.writeHead(200, { "content-length": 0 });
      res.end();
      return;
    case "GET": {
      const text = JSON.stringify({
        connectedAt: new Date(connection.connectedAt).toISOString(),
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    case "DELETE":
      connection.socket.close(1000, "closed by the server");
      res.writeHead(204);
      res.end();
      return;
    default:
      sendAwsError(res, 405, "MethodNotAllowedException", `${req.method} is not supported on @connections.`);
  }
}
