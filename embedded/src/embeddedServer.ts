import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import { PATHS } from "@babelcast/protocol";
import { z } from "zod";
import { COGNITO_SETTINGS_SECTION, CognitoSettings, loadOrCreateUserPoolIdentity } from "./cognito/userPoolSettings.js";
import { loadOrCreateCredentials, loadOrCreateOwnerToken, prepareDataDir } from "./dataDir.js";
import { embeddedConfigDocument, serveConfigDocument } from "./embeddedConfig.js";
import type { EmbeddedContext, EmbeddedService, EmbeddedServiceFactory } from "./embeddedContext.js";
import { type EmbeddedSettings, loadEmbeddedSettings, settingsSection } from "./embeddedSettings.js";
import { resolvedPath } from "./http/requestTarget.js";
import { sendError, sendJson } from "./httpResponses.js";
import { EMBEDDED_SERVICES } from "./services.js";
import { STREAM_PATH } from "./transcribe/transcribeService.js";

export interface EmbeddedServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * The Transcribe streaming endpoint's own port (0 or absent: a free one). AWS serves streaming
   * from a host of its own (`transcribestreaming.<region>.amazonaws.com`), and Chromium connects one
   * WebSocket per host and port at a time: on the main port the console's stream would queue behind
   * its control socket's `$connect` (or the other way round) at go-live.
   */
  readonly streamingPort?: number;
  readonly dataDir: string;
  /** Host advertised to listeners (a LAN address) when it differs from the bind host. */
  readonly publicHost?: string;
  readonly region?: string;
  /** Settings merged over `D/embedded.json` (tests use this for faults and limits). */
  readonly settings?: EmbeddedSettings;
  readonly services?: readonly EmbeddedServiceFactory[];
  readonly log?: Logger;
}

export interface RunningEmbeddedServer {
  readonly context: EmbeddedContext;
  readonly url: string;
  readonly consoleUrl: string;
  readonly listenerUrl: string;
  close(): Promise<void>;
}

export const EMBEDDED_REGION = "us-east-1";
/** The account id the emulators put in ARNs. */
export const EMBEDDED_ACCOUNT_ID = "000000000000";

const silentLog: Logger = { info() {}, warn() {}, error() {} };

function listen(server: Server, host: string, port: number, flag = "--port"): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") {
        reject(
          new Error(
            `port ${port} on ${host} is already in use: stop the other process or pass ${flag} 0 for a free port`,
          ),
        );
      } else if (err.code === "EADDRNOTAVAIL") {
        reject(new Error(`address ${host} is not on this machine: pass --host with one of its addresses`));
      } else if (err.code === "EACCES") {
        reject(new Error(`not allowed to listen on ${host}:${port}: choose a port above 1024`));
      } else {
        reject(err);
      }
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Section of `D/embedded.json` with the HTTP server's timeouts. */
export const HTTP_SETTINGS_SECTION = "http";

/**
 * Slow or idle clients must not hold sockets and memory for long (slowloris): headers must
 * arrive within `headersTimeoutMs`, a whole request within `requestTimeoutMs`, and a
 * keep-alive socket is closed after `keepAliveTimeoutMs` of quiet. WebSockets are watched
 * by their own pings once upgraded.
 */
export const HttpSettings = z
  .object({
    headersTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
    requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
    keepAliveTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
  })
  .refine((h) => h.headersTimeoutMs <= h.requestTimeoutMs, "headersTimeoutMs must not exceed requestTimeoutMs");
export type HttpSettings = z.infer<typeof HttpSettings>;

/** Whether the request target parses as a path; `//`, `//[` and the like do not, and must not reach the services. */
function parsableTarget(target: string | undefined): boolean {
  return URL.canParse(target ?? "/", "http://local");
}

/** A whole HTTP/1.1 error response for a raw socket (upgrades, parse errors), in the API's error shape. */
function rawErrorResponse(status: number, reason: string, message: string): string {
  const body = JSON.stringify({ error: { code: reason.replace(/ /g, ""), message } });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** The answer to bytes that are not a well-formed HTTP request. */
function clientErrorReply(code: string | undefined): string {
  if (code === "HPE_HEADER_OVERFLOW")
    return rawErrorResponse(431, "Request Header Fields Too Large", "the request headers are too large");
  if (code === "ERR_HTTP_REQUEST_TIMEOUT")
    return rawErrorResponse(408, "Request Timeout", "the request took too long to arrive: send it again");
  return rawErrorResponse(400, "Bad Request", "the request is not well-formed HTTP");
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Starts the embedded server: "AWS on one machine" for the APIs Babelcast uses, plus its own API and pages. */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<RunningEmbeddedServer> {
  const log = options.log ?? silentLog;
  const dataDir = prepareDataDir(options.dataDir);
  const settings = loadEmbeddedSettings(dataDir, options.settings);
  const credentials = loadOrCreateCredentials(dataDir);
  const ownerToken = loadOrCreateOwnerToken(dataDir);
  const region = options.region ?? EMBEDDED_REGION;
  const timeouts = settingsSection(settings, HTTP_SETTINGS_SECTION, HttpSettings);
  const userPool = settingsSection(settings, COGNITO_SETTINGS_SECTION, CognitoSettings).enabled
    ? loadOrCreateUserPoolIdentity(dataDir, region)
    : undefined;

  let services: EmbeddedService[] = [];
  let ready = false;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (!ready) {
      sendError(res, 503, "Starting", "the embedded server is starting: retry in a moment");
      return;
    }
    if (!parsableTarget(req.url)) {
      req.resume();
      sendError(res, 400, "BadRequest", "the request target is not a valid path");
      return;
    }
    const pathname = resolvedPath(req.url);
    if (req.method === "GET" && pathname === PATHS.config) {
      serveConfigDocument(req, res, context);
      return;
    }
    if (req.method === "GET" && pathname === PATHS.health) {
      sendJson(res, 200, { ok: true });
      return;
    }
    for (const service of services) {
      try {
        if (service.handleRequest?.(req, res)) return;
      } catch (err) {
        log.error("request handler failed", { service: service.name, error: String(err) });
        if (!res.headersSent)
          sendError(res, 500, "InternalError", "the embedded server failed on this request; see its log");
        return;
      }
    }
    sendError(res, 404, "NotFound", `nothing at ${pathname}`);
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (!parsableTarget(req.url)) {
      socket.end(rawErrorResponse(400, "Bad Request", "the request target is not a valid path"));
      return;
    }
    if (ready) {
      for (const service of services) {
        try {
          if (service.handleUpgrade?.(req, socket, head)) return;
        } catch (err) {
          log.error("upgrade handler failed", { service: service.name, error: String(err) });
          break;
        }
      }
    }
    socket.end(rawErrorResponse(404, "Not Found", "no WebSocket endpoint at this path"));
  };

  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // Node checks these timeouts only this often (30 s by default, which would stretch them).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(timeouts.headersTimeoutMs / 4)),
    },
    onRequest,
  );
  server.on("upgrade", onUpgrade);
  const onClientError = (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.writable) socket.end(clientErrorReply(err.code));
    else socket.destroy();
  };
  server.on("clientError", onClientError);
  const address = await listen(server, options.host, options.port);
  // The Transcribe streaming host: only its stream upgrades, as on AWS (its HTTP APIs live on the main port).
  const streaming = createServer(
    { headersTimeout: timeouts.headersTimeoutMs, requestTimeout: timeouts.requestTimeoutMs },
    (req, res) => {
      req.resume();
      sendError(res, 404, "NotFound", `this is the Transcribe streaming endpoint: only ${STREAM_PATH} (a WebSocket)`);
    },
  );
  streaming.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (parsableTarget(req.url) && resolvedPath(req.url) === STREAM_PATH) return onUpgrade(req, socket, head);
    socket.on("error", () => socket.destroy());
    socket.end(rawErrorResponse(404, "Not Found", `the Transcribe streaming endpoint has only ${STREAM_PATH}`));
  });
  streaming.on("clientError", onClientError);
  let streamingAddress: AddressInfo;
  try {
    streamingAddress = await listen(streaming, options.host, options.streamingPort ?? 0, "--streaming-port");
  } catch (err) {
    server.close();
    throw new Error(`the Transcribe streaming endpoint: ${(err as Error).message}`);
  }
  const bindHost = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const url = `http://${hostForUrl(options.publicHost ?? bindHost)}:${address.port}`;
  const loopbackUrl = `http://${hostForUrl(bindHost)}:${address.port}`;
  const streamingUrl = `http://${hostForUrl(options.publicHost ?? bindHost)}:${streamingAddress.port}`;

  const context: EmbeddedContext = {
    url,
    loopbackUrl,
    dataDir,
    region,
    accountId: EMBEDDED_ACCOUNT_ID,
    credentials,
    ownerToken,
    config: embeddedConfigDocument(url, region, userPool, streamingUrl),
    settings,
    log,
  };

  const closeServices = async () => {
    const started = services;
    services = [];
    await Promise.allSettled(started.map((s) => s.close?.()));
  };
  try {
    for (const factory of options.services ?? EMBEDDED_SERVICES) services.push(await factory(context));
  } catch (err) {
    await closeServices();
    server.close();
    streaming.close();
    throw err;
  }
  ready = true;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ready = false;
      const stopped = Promise.all(
        [server, streaming].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
      server.closeIdleConnections();
      await closeServices();
      server.closeAllConnections();
      streaming.closeAllConnections();
      await stopped;
    })();
    return closing;
  };

  return {
    context,
    url,
    consoleUrl: `${loopbackUrl}${PATHS.console}#token=${encodeURIComponent(ownerToken)}`,
    listenerUrl: `${url}${PATHS.listener}`,
    close,
  };
}
