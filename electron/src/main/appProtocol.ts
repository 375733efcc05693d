import { readFile } from "node:fs/promises";
import { protocol } from "electron";
import { contentTypeOf, resolveInside } from "./appFiles.js";
import { APP_SCHEME } from "./consoleUrl.js";
import { CLOUD_CONSOLE_CSP } from "./contentSecurityPolicy.js";

/** Must run before `app.whenReady()`: a standard, secure scheme gets an origin and getUserMedia. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the bundled renderer under `babelcast://console/` (not file://: no ambient file access). */
export function setupAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === "console" ? resolveInside(rendererDir, url.pathname) : undefined;
    if (!file) return new Response("not found", { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          "content-type": contentTypeOf(file),
          "content-security-policy": CLOUD_CONSOLE_CSP,
          "x-content-type-options": "nosniff",
        },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}
