import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import type { PolicyResource } from "@babelcast/backend/permissions/permissionTable.js";
import { EVENT_API_LIMITS, PATHS } from "@babelcast/protocol";
import { WebSocketServer } from "ws";
import type { CallerDirectory } from "../auth/callerDirectory.js";
import type { SigV4Verifier } from "../auth/sigv4Verifier.js";
import { requestIdHeader } from "../http/awsResponses.js";
import { readLimitedBody } from "../http/requestBody.js";
import { readChannel } from "./channelPaths.js";
import { EVENT_API_DEFAULTS, type EventApiSettings } from "./eventApiSettings.js";
import { EventApiAuthorizer, type FunctionInvoker } from "./lambdaAuthorizer.js";
import { type ConnectVerdict, type ProtocolError, RealtimeConnection } from "./realtimeConnection.js";
import { SubscriptionIndex } from "./subscriptionIndex.js";

/**
 * The embedded AppSync Events API of the caption channels: HTTP publish at
 * `POST /aws/appsync-events/event` (AWS_IAM: SigV4, service `appsync`) and the realtime
 * WebSocket at `/aws/appsync-events/event/realtime` (AWS_LAMBDA for connect and subscribe:
 * the caption authorizer function). Cloud: `https://<http-domain>/event` and
 * `wss://<realtime-domain>/event/realtime`.
 */

export const EVENT_API_HTTP_PATH = `${PATHS.appsyncEvents}/event`;
export const EVENT_API_REALTIME_PATH = `${PATHS.appsyncEvents}/event/realtime`;
/** The subprotocol every realtime client offers, and the server echoes. */
export const EVENT_WS_SUBPROTOCOL = "aws-appsync-event-ws";
/** The function the API's Lambda authorizer runs (backend `CaptionAuthorizerFunction`). */
export const CAPTION_AUTHORIZER_FUNCTION = "CaptionAuthorizerFunction";
/** The action IAM publishers need on the namespace (permission table capability `publishCaptions`). */
export const EVENT_PUBLISH_ACTION = "appsync:EventPublish";
/** The permission table's resource kind for the captions namespace (added with `publishCaptions`). */
const CAPTION_NAMESPACE_RESOURCE = "captionNamespace" as string as PolicyResource;

export interface EventApiOptions {
  readonly lambda: FunctionInvoker;
  readonly authorizerFunction?: string;
  readonly settings: EventApiSettings;
  readonly verifier: SigV4Verifier;
  readonly callers: CallerDirectory;
  /** The HTTP endpoint's hosts (`host:port`) an auth object may name: the advertised and the loopback one. */
  readonly hosts: readonly string[];
  readonly apiId: string;
  readonly region: string;
  readonly accountId: string;
  readonly log: Logger;
}

/** An AppSync error answer: `{errors: [{errorType, message}]}` with the type also in `x-amzn-ErrorType`. */
function sendEventError(res: ServerResponse, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ errors: [{ errorType, message }] });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-amzn-ErrorType": errorType,
    ...requestIdHeader(),
  });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ errors: [{ errorType, message }] });
  const reason = { 400: "Bad Request", 401: "Unauthorized" }[status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The auth object of a `header-` subprotocol: base64url JSON, no padding. */
function decodeHeaderProtocol(protocol: string | undefined): unknown {
  if (protocol === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(protocol.slice("header-".length), "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

export class EventApi {
  readonly index = new SubscriptionIndex();
  readonly authorizer: EventApiAuthorizer;
  private readonly connections = new Set<RealtimeConnection>();
  private readonly wss: WebSocketServer;
  private readonly hosts: Set<string>;

  constructor(private readonly options: EventApiOptions) {
    this.authorizer = new EventApiAuthorizer({
      lambda: options.lambda,
      functionName: options.authorizerFunction ?? CAPTION_AUTHORIZER_FUNCTION,
      apiId: options.apiId,
      accountId: options.accountId,
      resultTtlSeconds: options.settings.authorizerResultTtlSeconds,
      log: options.log,
    });
    this.hosts = new Set(options.hosts.map((h) => h.toLowerCase()));
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: EVENT_API_DEFAULTS.maxPublishBodyBytes,
      handleProtocols: () => EVENT_WS_SUBPROTOCOL,
    });
  }

  /** Open realtime connections (acknowledged or not). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** The token of an auth object (subprotocol or a frame's `authorization`), or why it is refused. */
  readAuthorization(value: unknown): { token: string; headers: Record<string, string> } | ProtocolError {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return { errorType: "UnauthorizedException", message: "the authorization object is missing" };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === "string") headers[k] = v;
    const host = headers.host;
    // The host is the API's HTTP domain, not the realtime one (AppSync refuses any other).
    if (!host || !this.hosts.has(host.toLowerCase()))
      return {
        errorType: "UnauthorizedException",
        message: `host must be the Event API's HTTP endpoint host (${[...this.hosts][0]})`,
      };
    const token = headers.Authorization ?? headers.authorization;
    if (!token) return { errorType: "UnauthorizedException", message: "the Authorization token is missing" };
    const { Authorization: _, authorization: __, ...rest } = headers;
    return { token, headers: rest };
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.publish(req, res).catch((err) => {
      this.options.log.error("event API publish failed", { error: String(err) });
      if (!res.headersSent) sendEventError(res, 500, "InternalFailureException", "the publish failed: try again");
    });
  }

  /**
   * HTTP publish: `{channel, events}` with at most 5 events, each a JSON value as a string of at
   * most 240 KB, to one channel of a defined namespace; the body at most 1.2 MB
   * (https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html,
   * https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-concepts.html).
   */
  private async publish(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q < 0 ? raw : raw.slice(0, q);
    if (path !== EVENT_API_HTTP_PATH) {
      req.resume();
      return sendEventError(
        res,
        404,
        "NotFoundException",
        `nothing at ${path}: publish with POST ${EVENT_API_HTTP_PATH}`,
      );
    }
    if (req.method !== "POST") {
      req.resume();
      return sendEventError(res, 405, "BadRequestException", "publishing is the only HTTP action: use POST");
    }
    const body = await readLimitedBody(req, EVENT_API_DEFAULTS.maxPublishBodyBytes);
    if (body === undefined)
      return sendEventError(
        res,
        413,
        "BadRequestException",
        `the request body is larger than ${EVENT_API_DEFAULTS.maxPublishBodyBytes} bytes`,
      );
    const verdict = await this.options.verifier.verifyHeader({
      method: "POST",
      path,
      rawQuery: q < 0 ? "" : raw.slice(q + 1),
      headers: req.headers,
      body,
    });
    if (!verdict.ok) return sendEventError(res, 401, "UnauthorizedException", verdict.message);

    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return sendEventError(res, 400, "BadRequestException", "the body is not JSON: send {channel, events}");
    }
    const request = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const channel = readChannel(request.channel, false);
    if (!channel.ok) return sendEventError(res, 400, "BadRequestException", channel.message);

    const { region, accountId, apiId } = this.options;
    const arn = `arn:aws:appsync:${region}:${accountId}:apis/${apiId}/channelNamespace/${channel.namespace}`;
    const decision = this.options.callers.authorize(
      verdict.accessKeyId,
      EVENT_PUBLISH_ACTION,
      CAPTION_NAMESPACE_RESOURCE,
      arn,
    );
    if (!decision.allowed) return sendEventError(res, 403, "AccessDeniedException", decision.message);

    const events = request.events;
    if (!Array.isArray(events) || events.length === 0 || events.length > EVENT_API_LIMITS.maxEventsPerPublish)
      return sendEventError(
        res,
        400,
        "BadRequestException",
        `events must be a list of 1 to ${EVENT_API_LIMITS.maxEventsPerPublish} events`,
      );
    for (const [index, event] of events.entries()) {
      if (typeof event !== "string")
        return sendEventError(res, 400, "BadRequestException", `event ${index} must be a JSON value as a string`);
      if (Buffer.byteLength(event) > EVENT_API_LIMITS.maxEventBytes)
        return sendEventError(
          res,
          400,
          "BadRequestException",
          `event ${index} is larger than ${EVENT_API_LIMITS.maxEventBytes} bytes`,
        );
      try {
        JSON.parse(event);
      } catch {
        return sendEventError(res, 400, "BadRequestException", `event ${index} is not valid JSON`);
      }
    }
    this.index.publish(channel.path, events as string[]);
    const answer = JSON.stringify({
      failed: [],
      successful: events.map((_, index) => ({ identifier: randomUUID(), index })),
    });
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(answer),
      ...requestIdHeader(),
    });
    res.end(answer);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.upgrade(req, socket, head).catch((err) => {
      this.options.log.error("event API connect failed", { error: String(err) });
      if (!socket.destroyed) refuseUpgrade(socket, 500, "InternalFailureException", "the connect failed: try again");
    });
  }

  /**
   * A realtime connect: the client offers `aws-appsync-event-ws` and `header-<base64url(auth
   * object)>`; the auth object is checked and the authorizer asked (EVENT_CONNECT) before the
   * upgrade; a refused connect still opens, and answers `connection_init` with `connection_error`.
   */
  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    if (!offered.includes(EVENT_WS_SUBPROTOCOL))
      return refuseUpgrade(socket, 400, "BadRequestException", `offer the ${EVENT_WS_SUBPROTOCOL} subprotocol`);
    const auth = this.readAuthorization(decodeHeaderProtocol(offered.find((p) => p.startsWith("header-"))));
    let verdict: ConnectVerdict;
    if ("errorType" in auth) {
      verdict = { ok: false, error: { ...auth, errorCode: 401 } };
    } else {
      const allowed = await this.authorizer.authorize({
        token: auth.token,
        operation: "EVENT_CONNECT",
        headers: auth.headers,
      });
      verdict = allowed
        ? { ok: true, token: auth.token }
        : {
            ok: false,
            error: { errorType: "UnauthorizedException", errorCode: 401, message: "not authorized to connect" },
          };
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new RealtimeConnection(ws, verdict, {
        index: this.index,
        authorizer: this.authorizer,
        settings: this.options.settings,
        readAuthorization: (value) => this.readAuthorization(value),
        onClosed: (c) => this.connections.delete(c),
      });
      this.connections.add(connection);
    });
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) connection.close(1001, "server stopping");
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
