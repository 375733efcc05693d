import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { errorResult } from "@babelcast/backend/handlers/http/httpRequest.js";
import { type BackendDeps, createBackendDeps } from "@babelcast/backend/handlers/shared/backendDeps.js";
import { ApiFailure } from "@babelcast/backend/services/apiErrors.js";
import { HTTP_CORS, PATHS } from "@babelcast/protocol";
import { z } from "zod";
import { EVENT_API_REALTIME_PATH, EventApi } from "../appsyncEvents/eventApi.js";
import { EVENT_API_SETTINGS_SECTION, EventApiSettings } from "../appsyncEvents/eventApiSettings.js";
import { callersFor } from "../auth/callerDirectory.js";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { FaultSettings, FaultSwitch } from "../faults.js";
import { readLimitedBody } from "../http/requestBody.js";
import { embeddedFunctions } from "../lambda/embeddedFunctions.js";
import { handleInvokeRequest } from "../lambda/invokeEndpoint.js";
import { type LambdaFunctionDefinition, LambdaRuntime } from "../lambda/lambdaRuntime.js";
import { LAMBDA_SETTINGS_SECTION, LambdaSettings } from "../lambda/lambdaSettings.js";
import { RELAYS_SETTINGS_SECTION, RelaySettings, RelaySupervisor } from "../relays/relaySupervisor.js";
import { underPrefix } from "../underPrefix.js";
import { embeddedRuntimeConfig, RELAY_KEY_FILE } from "./embeddedRuntime.js";
import { httpApiEvent } from "./httpEvents.js";
import { matchRoute } from "./httpRouteMatch.js";
import { lambdaIntegration } from "./lambdaIntegration.js";
import { handleManagementRequest } from "./managementEndpoint.js";
import { WebSocketGateway } from "./webSocketGateway.js";
import { WEBSOCKET_SETTINGS_SECTION, WebSocketTimeoutSettings } from "./webSocketLimits.js";

/** The running embedded API Gateway, with handles tests use. */
export interface GatewayService extends EmbeddedService {
  /** The gateway's own table access (clearing connections left from the last run); the handlers run in `lambda`. */
  readonly deps: BackendDeps;
  /** The Lambda functions behind the APIs, each in its own execution environments. */
  readonly lambda: LambdaRuntime;
  readonly webSocket: WebSocketGateway;
  /** Faults injected into the Management API (settings section `gateway.faults`; flip live in tests). */
  readonly faults: FaultSwitch;
  /** The AppSync Events API of the caption channels (settings section `appsyncEvents`). */
  readonly events: EventApi;
  /** The relay agents this server runs once an audience needs them (settings section `relays`). */
  readonly relays: RelaySupervisor;
}

export interface GatewayServiceOptions {
  /**
   * Changes the functions the Lambda runtime runs (tests add a fixture function here, run by the
   * same runtime); by default every deployed function.
   */
  readonly functions?: (deployed: LambdaFunctionDefinition[]) => LambdaFunctionDefinition[];
}

/** Section of `D/embedded.json` for the gateway itself. */
export const GATEWAY_SETTINGS_SECTION = "gateway";
const GatewaySettings = z.object({ faults: FaultSettings });

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": HTTP_CORS.exposeHeaders.join(", "),
};

function writeResult(
  res: ServerResponse,
  result: { statusCode?: number; headers?: Record<string, unknown>; body?: string; isBase64Encoded?: boolean },
): void {
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  const headers: Record<string, string> = { ...CORS_HEADERS };
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  headers["content-length"] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

function writeFailure(res: ServerResponse, failure: ApiFailure): void {
  writeResult(res, errorResult(failure));
}

/**
 * Right after a start no WebSocket is open, so every connection row is left from the previous
 * run: remove them and mark their listeners disconnected (their audio slots stay reserved
 * for the grace period, so reloading phones get them back). Runs once the server is ready.
 */
async function clearStaleConnections(deps: BackendDeps, ctx: EmbeddedContext): Promise<void> {
  try {
    const stale = await deps.stores.connections.scanAll();
    const now = deps.now();
    for (const c of stale) {
      await deps.stores.connections.delete(c.connectionId);
      if (c.role === "console") await deps.stores.coordination.removeConsoleConnection(c.sessionId, c.connectionId);
      if (c.listenerId)
        await deps.stores.listeners.setConnection(c.sessionId, c.listenerId, c.connectionId, false, now);
    }
  } catch (err) {
    ctx.log.warn("stale WebSocket connections were not cleared", { error: String(err) });
  }
}

/**
 * The embedded API Gateway: the HTTP API under `/api`, the WebSocket API at `/ws` and the
 * Management API at `/aws/apigateway`, invoking the backend's Lambda functions (the same
 * bundles the stack deploys) in the embedded Lambda runtime, whose Invoke API (functions
 * invoking one another) answers under `/aws/lambda`. The caption Event API (AppSync Events,
 * under `/aws/appsync-events`) lives here too: its Lambda authorizer runs in the same runtime.
 */
export function createGatewayService(options: GatewayServiceOptions = {}) {
  return async (ctx: EmbeddedContext): Promise<GatewayService> => {
    const config = embeddedRuntimeConfig(ctx);
    const deployed = embeddedFunctions(ctx, {
      listenerTokenSecret: config.listenerTokenSecret,
      ...(config.relayKey ? { relayKey: config.relayKey } : {}),
      sessionLimits: config.limits,
      substitutes: {
        ownerAuth: config.ownerAuth,
        lifecycleEvents: config.lifecycleEvents,
        ...(config.awsTranslate ? { awsTranslate: config.awsTranslate } : {}),
      },
    });
    const lambda = await LambdaRuntime.start({
      functions: options.functions ? options.functions(deployed) : deployed,
      settings: settingsSection(ctx.settings, LAMBDA_SETTINGS_SECTION, LambdaSettings),
      region: ctx.region,
      accountId: ctx.accountId,
      log: ctx.log,
    });
    const deps = createBackendDeps(config, { log: ctx.log });
    const domainName = new URL(ctx.url).host;
    const proxy = lambdaIntegration(lambda, { region: ctx.region, accountId: ctx.accountId, log: ctx.log });
    const webSocket = new WebSocketGateway({
      authorize: proxy.authorizeConnect,
      handler: proxy.webSocketMessage,
      domainName,
      stage: PATHS.webSocket.slice(1),
      log: ctx.log,
      timeouts: settingsSection(ctx.settings, WEBSOCKET_SETTINGS_SECTION, WebSocketTimeoutSettings),
    });
    const callers = callersFor(ctx);
    const verifier = new SigV4Verifier({
      credentials: ctx.credentials,
      resolveCredentials: (id) => callers.resolve(id),
      region: ctx.region,
      service: "execute-api",
    });
    const faults = new FaultSwitch(settingsSection(ctx.settings, GATEWAY_SETTINGS_SECTION, GatewaySettings).faults);
    const events = new EventApi({
      lambda,
      settings: settingsSection(ctx.settings, EVENT_API_SETTINGS_SECTION, EventApiSettings),
      verifier: new SigV4Verifier({
        credentials: ctx.credentials,
        resolveCredentials: (id) => callers.resolve(id),
        region: ctx.region,
        service: "appsync",
      }),
      callers,
      hosts: [new URL(ctx.url).host, new URL(ctx.loopbackUrl).host],
      apiId: "embedded",
      region: ctx.region,
      accountId: ctx.accountId,
      log: ctx.log,
    });
    const host = new URL(ctx.url).hostname;
    const relays = new RelaySupervisor({
      settings: settingsSection(ctx.settings, RELAYS_SETTINGS_SECTION, RelaySettings),
      apiUrl: `${ctx.loopbackUrl}${PATHS.api}`,
      keyFile: join(ctx.dataDir, RELAY_KEY_FILE),
      ...(host === "127.0.0.1" || host === "localhost" ? { bindAddress: "127.0.0.1" } : {}),
      log: ctx.log,
    });
    /** After a join: the relays start once the session's audience nears the console's direct capacity. */
    const noteJoin = async (sessionId: string | undefined) => {
      if (!sessionId || relays.running) return;
      const now = Date.now();
      const held = (await deps.stores.coordination.listSlots(sessionId)).filter((h) => h.heldUntil >= now).length;
      relays.noteAudience(held, config.limits.directCapacity);
    };
    const invoke = {
      runtime: lambda,
      verifier: new SigV4Verifier({
        credentials: ctx.credentials,
        resolveCredentials: (id) => callers.resolve(id),
        region: ctx.region,
        service: "lambda",
      }),
      callers,
      faults: new FaultSwitch(),
      region: ctx.region,
      accountId: ctx.accountId,
      log: ctx.log,
    };

    async function serveHttp(req: IncomingMessage, res: ServerResponse, pathname: string, rawQuery: string) {
      if (req.method === "OPTIONS") {
        res.writeHead(204, {
          ...CORS_HEADERS,
          "access-control-allow-methods": HTTP_CORS.allowMethods.join(", "),
          "access-control-allow-headers": HTTP_CORS.allowHeaders.join(", "),
          "access-control-max-age": String(HTTP_CORS.maxAgeSeconds),
        });
        res.end();
        return;
      }
      const path = pathname.slice(PATHS.api.length) || "/";
      const route = matchRoute(req.method ?? "GET", path);
      if (!route) {
        req.resume();
        writeFailure(res, new ApiFailure(404, "NotFound", `no API route at ${path}`));
        return;
      }
      if ("methodMismatch" in route) {
        req.resume();
        writeFailure(res, new ApiFailure(405, "MethodNotAllowed", `${req.method} is not allowed on ${path}`));
        return;
      }
      const body = await readLimitedBody(req, config.limits.maxBodyBytes);
      if (body === undefined) {
        writeFailure(
          res,
          new ApiFailure(413, "PayloadTooLarge", `the request body is larger than ${config.limits.maxBodyBytes} bytes`),
        );
        return;
      }
      const event = httpApiEvent(
        {
          method: req.method ?? "GET",
          path,
          rawQuery,
          headers: req.headers,
          body,
          sourceIp: req.socket.remoteAddress ?? "unknown",
          domainName,
        },
        route,
      );
      const result = await proxy.httpRequest(event);
      writeResult(res, result);
      if (route.routeKey === "POST /sessions/{id}/listeners" && result.statusCode === 200) {
        noteJoin(route.pathParameters.id).catch((err) =>
          ctx.log.warn("relay start check failed", { error: String(err) }),
        );
      }
    }

    // Runs before the first API request or WebSocket is served (the server answers only once ready).
    let cleared: Promise<void> | undefined;
    const ensureCleared = () => {
      cleared ??= clearStaleConnections(deps, ctx);
      return cleared;
    };

    return {
      name: "gateway",
      deps,
      lambda,
      webSocket,
      faults,
      events,
      relays,
      handleRequest(req, res) {
        const url = new URL(req.url ?? "/", "http://local");
        if (underPrefix(url.pathname, PATHS.api)) {
          ensureCleared()
            .then(() => serveHttp(req, res, url.pathname, url.search.slice(1)))
            .catch((err) => {
              ctx.log.error("api request failed", { error: String(err) });
              if (!res.headersSent)
                writeFailure(res, new ApiFailure(500, "InternalError", "the server failed: try again"));
            });
          return true;
        }
        if (underPrefix(url.pathname, PATHS.apigatewaymanagementapi)) {
          handleManagementRequest(req, res, webSocket.connections, verifier, faults, callers).catch((err) => {
            ctx.log.error("management request failed", { error: String(err) });
            if (!res.headersSent) res.writeHead(500).end();
          });
          return true;
        }
        if (underPrefix(url.pathname, PATHS.lambda)) {
          void handleInvokeRequest(req, res, invoke);
          return true;
        }
        if (underPrefix(url.pathname, PATHS.appsyncEvents)) {
          events.handleRequest(req, res);
          return true;
        }
        return false;
      },
      handleUpgrade(req, socket, head) {
        const pathname = new URL(req.url ?? "/", "http://local").pathname;
        if (pathname === EVENT_API_REALTIME_PATH) {
          events.handleUpgrade(req, socket, head);
          return true;
        }
        if (pathname !== PATHS.webSocket) return false;
        void ensureCleared().then(() => webSocket.handleUpgrade(req, socket, head));
        return true;
      },
      async close() {
        await relays.stop();
        await cleared;
        await events.close();
        await webSocket.close();
        await lambda.close();
        deps.close();
      },
    };
  };
}
