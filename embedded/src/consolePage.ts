import { readFileSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join, normalize, sep } from "node:path";
import { CONSOLE_PERMISSIONS_POLICY, consolePageCsp, PATHS, pageSecurityHeaders } from "@babelcast/protocol";
import type { EmbeddedContext, EmbeddedService } from "./embeddedContext.js";
import { resolvedPath } from "./http/requestTarget.js";
import { sendError } from "./httpResponses.js";
import { connectSources } from "./listenerPage.js";
import { underPrefix } from "./underPrefix.js";

/** Where `npm run build -w electron` writes the console renderer. */
export const CONSOLE_DIST_DIR = join(import.meta.dirname, "..", "..", "electron", "dist", "renderer");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json; charset=utf-8",
};
/** Only these names are served: no directory walking, no dotfiles. */
const SERVABLE = /^(?:[A-Za-z0-9_-]+\/)?[A-Za-z0-9_.-]+\.(?:html|js|css|svg|png|map)$/;

function securityHeaders(csp: string): Record<string, string> {
  return pageSecurityHeaders(csp, CONSOLE_PERMISSIONS_POLICY);
}

/** The file a request path names inside `root`, or undefined. */
export function consoleFileFor(root: string, pathname: string): string | undefined {
  const rel = pathname.slice(PATHS.console.length);
  const name = rel === "" ? "index.html" : rel;
  if (!SERVABLE.test(name)) return undefined;
  const full = normalize(join(root, name));
  return full.startsWith(root + sep) ? full : undefined;
}

/**
 * Serves the console renderer at `/console/` (browser mode: how the console runs without
 * the Electron binary, and what the Electron app loads with `--console-url`).
 */
export function createConsolePageService(ctx: EmbeddedContext, options: { distDir?: string } = {}): EmbeddedService {
  const root = normalize(options.distDir ?? CONSOLE_DIST_DIR);
  const endpoints = Object.values(ctx.config.endpoints ?? {}).map((u) => {
    const { protocol, host } = new URL(u);
    return `${protocol}//${host} ${protocol.replace("http", "ws")}//${host}`;
  });
  const headers = securityHeaders(consolePageCsp([...new Set([...connectSources(ctx), ...endpoints])]));
  const fail = (res: ServerResponse, status: number, code: string, message: string) => {
    sendError(res, status, code, message);
    return true;
  };
  return {
    name: "console-page",
    handleRequest(req, res) {
      const pathname = resolvedPath(req.url);
      if (!underPrefix(pathname, PATHS.console)) return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("allow", "GET, HEAD");
        return fail(res, 405, "MethodNotAllowed", "the console page only answers GET and HEAD");
      }
      if (pathname === "/console") {
        res.writeHead(308, { location: PATHS.console, "cache-control": "no-store" });
        res.end();
        return true;
      }
      try {
        statSync(join(root, "index.html"));
      } catch {
        return fail(res, 503, "PageNotBuilt", "the console is not built: run `npm run build -w electron`");
      }
      const file = consoleFileFor(root, pathname);
      let body: Buffer;
      try {
        if (!file) throw new Error("not servable");
        body = readFileSync(file);
      } catch {
        return fail(res, 404, "NotFound", `nothing at ${pathname}`);
      }
      const ext = file.slice(file.lastIndexOf("."));
      res.writeHead(200, {
        "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream",
        "content-length": String(body.length),
        // The console is rebuilt in place (no hashed names): always revalidate.
        "cache-control": "no-cache",
        ...headers,
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    },
  };
}
