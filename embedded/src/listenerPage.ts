import { readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { LISTENER_PERMISSIONS_POLICY, listenerPageCsp, PATHS, pageSecurityHeaders } from "@babelcast/protocol";
import type { EmbeddedContext, EmbeddedService } from "./embeddedContext.js";
import { resolvedPath } from "./http/requestTarget.js";
import { sendError } from "./httpResponses.js";
import { underPrefix } from "./underPrefix.js";

/** Where `npm run build -w listener-web` writes the page. */
export const LISTENER_DIST_DIR = join(import.meta.dirname, "..", "..", "listener-web", "dist");

const ASSETS_PREFIX = `${PATHS.listener}assets/`;
/** The embed player's script and style, at fixed names: other origins load them (the API serves the embed HTML). */
const EMBED_FILES = ["embed.js", "embed.css"] as const;
/** `/s`, `/s/` or `/s/{sessionId}` (trailing slash allowed): the page itself. */
const PAGE_PATH = /^\/s(?:\/(?:[a-z]+-[a-z]+-\d{3}\/?)?)?$/;
const ASSET_NAME = /^[A-Za-z0-9_-]+\.(js|css)$/;
const CONTENT_TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
};

interface Asset {
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly type: string;
}

interface BuiltPage {
  readonly builtAt: number;
  readonly html: Asset;
  /** The caption screen (`/s/screen.html`), a page of its own. */
  readonly screen?: Asset;
  readonly assets: ReadonlyMap<string, Asset>;
  readonly embed: ReadonlyMap<string, Asset>;
}

const asset = (body: Buffer, ext: string): Asset => ({
  body,
  gzip: gzipSync(body, { level: 9 }),
  type: CONTENT_TYPES[ext] ?? "application/octet-stream",
});

/** Reads the built page and its assets (the ones index.html names), compressed once. */
function loadBuiltPage(distDir: string): BuiltPage | undefined {
  let builtAt: number;
  try {
    builtAt = statSync(join(distDir, "index.html")).mtimeMs;
  } catch {
    return undefined;
  }
  const html = readFileSync(join(distDir, "index.html"));
  const screen = optionalFile(join(distDir, "screen.html"));
  const assets = new Map<string, Asset>();
  for (const page of [html, screen]) {
    for (const m of page?.toString("utf8").matchAll(/(?:href|src)="\/s\/assets\/([^"]+)"/g) ?? []) {
      const name = m[1]!;
      const ext = name.split(".").pop()!;
      if (ASSET_NAME.test(name)) assets.set(name, asset(readFileSync(join(distDir, "assets", name)), ext));
    }
  }
  const embed = new Map<string, Asset>();
  for (const name of EMBED_FILES) {
    const body = optionalFile(join(distDir, "embed", name));
    if (body) embed.set(name, asset(body, name.split(".").pop()!));
  }
  return { builtAt, html: asset(html, "html"), ...(screen ? { screen: asset(screen, "html") } : {}), assets, embed };
}

function optionalFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Headers of the embed's script and style, as the cloud's `/s/embed/*` behaviour sends them:
 * CORS for any origin (a module script on the API's origin loads them in CORS mode;
 * CloudFront adds CORS headers to requests with an `Origin` only), loadable cross-origin,
 * and revalidated (their names carry no hash).
 */
function embedAssetHeaders(req: IncomingMessage): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "cross-origin-resource-policy": "cross-origin",
    "cache-control": "no-cache",
    ...(req.headers.origin ? { "access-control-allow-origin": "*" } : {}),
  };
}

/** Every origin the page may talk to: config, HTTP API, WebSocket API, caption Event API, KVS signaling. */
export function connectSources(ctx: Pick<EmbeddedContext, "url" | "loopbackUrl" | "config">): string[] {
  const origins = new Set<string>();
  const add = (u: string | undefined) => {
    if (!u) return;
    const { protocol, host } = new URL(u);
    origins.add(`${protocol}//${host}`);
    // The emulated KVS answers signaling on the same host, as ws:// (or wss://).
    if (protocol === "http:" || protocol === "https:") origins.add(`${protocol.replace("http", "ws")}//${host}`);
  };
  for (const u of [
    ctx.url,
    ctx.loopbackUrl,
    ctx.config.apiUrl,
    ctx.config.webSocketUrl,
    ctx.config.events.realtimeUrl,
    ctx.config.endpoints?.kinesisvideo,
  ])
    add(u);
  return [...origins];
}

function securityHeaders(csp: string): Record<string, string> {
  return pageSecurityHeaders(csp, LISTENER_PERMISSIONS_POLICY);
}

function send(req: IncomingMessage, res: ServerResponse, a: Asset, headers: Record<string, string>): void {
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = gzip ? a.gzip : a.body;
  res.writeHead(200, {
    "content-type": a.type,
    "content-length": String(body.length),
    vary: "accept-encoding",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
    ...headers,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * Serves the listener page at `/s/{sessionId}` (the QR code's target) and its hashed assets
 * at `/s/assets/`. The page is read from `listener-web/dist` and re-read when rebuilt.
 */
export function createListenerPageService(ctx: EmbeddedContext, options: { distDir?: string } = {}): EmbeddedService {
  const distDir = options.distDir ?? LISTENER_DIST_DIR;
  const headers = securityHeaders(listenerPageCsp(connectSources(ctx)));
  let page: BuiltPage | undefined;
  const current = (): BuiltPage | undefined => {
    let mtime: number | undefined;
    try {
      mtime = statSync(join(distDir, "index.html")).mtimeMs;
    } catch {
      mtime = undefined;
    }
    if (mtime === undefined) page = undefined;
    else if (page?.builtAt !== mtime) page = loadBuiltPage(distDir);
    return page;
  };

  return {
    name: "listener-page",
    handleRequest(req, res) {
      const pathname = resolvedPath(req.url);
      if (!underPrefix(pathname, PATHS.listener)) return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("allow", "GET, HEAD");
        sendError(res, 405, "MethodNotAllowed", "the listener page only answers GET and HEAD");
        return true;
      }
      const built = current();
      if (!built) {
        sendError(res, 503, "PageNotBuilt", "the listener page is not built: run `npm run build -w listener-web`");
        return true;
      }
      if (pathname.startsWith(PATHS.embedAssets)) {
        const a = built.embed.get(pathname.slice(PATHS.embedAssets.length));
        if (!a) {
          sendError(res, 404, "NotFound", `no embed player asset at ${pathname}`);
          return true;
        }
        send(req, res, a, embedAssetHeaders(req));
        return true;
      }
      if (pathname === PATHS.captionScreen && built.screen) {
        send(req, res, built.screen, { ...headers, "cache-control": "no-cache" });
        return true;
      }
      if (pathname.startsWith(ASSETS_PREFIX)) {
        const a = built.assets.get(pathname.slice(ASSETS_PREFIX.length));
        if (!a) {
          sendError(res, 404, "NotFound", `no listener page asset at ${pathname}`);
          return true;
        }
        // Names carry a content hash: a phone that has them never asks again.
        send(req, res, a, { ...headers, "cache-control": "public, max-age=31536000, immutable" });
        return true;
      }
      if (!PAGE_PATH.test(pathname)) {
        sendError(res, 404, "NotFound", `no listener page at ${pathname}: session ids look like amber-harbor-482`);
        return true;
      }
      send(req, res, built.html, { ...headers, "cache-control": "no-cache" });
      return true;
    },
  };
}
