import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFIG_CORS, ConfigDocument, HTTP_CORS, LISTENER_PERMISSIONS_POLICY } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../src/embeddedServer.js";
import { createListenerPageService } from "../src/listenerPage.js";
import { EMBEDDED_SERVICES } from "../src/services.js";

/** What Electron's console sends as its origin in the cloud. */
const CONSOLE_ORIGIN = "babelcast://console";

const dist = mkdtempSync(join(tmpdir(), "babelcast-origins-dist-"));
let server: RunningEmbeddedServer;
beforeAll(async () => {
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "assets", "app-1.js"), "console.log('listener')");
  writeFileSync(join(dist, "index.html"), '<!doctype html><script type="module" src="/s/assets/app-1.js"></script>');
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "babelcast-origins-data-")),
    services: [
      (ctx) => createListenerPageService(ctx, { distDir: dist }),
      ...EMBEDDED_SERVICES.filter((f) => f !== createListenerPageService),
    ],
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe("config.json, as CloudFront serves it", () => {
  it("a cross-origin read (the Electron console) gets CONFIG_CORS and the document", async () => {
    const res = await fetch(`${server.url}/config.json`, { headers: { origin: CONSOLE_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(CONFIG_CORS.allowOrigins.join(", "));
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(ConfigDocument.parse(await res.json()).apiUrl).toBe(server.context.config.apiUrl);
  });

  it("a request without an Origin gets no CORS headers, as CloudFront adds them to CORS requests only", async () => {
    const res = await fetch(`${server.url}/config.json`);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("carries the listener site's security headers (the same response-headers policy)", async () => {
    const config = await fetch(`${server.url}/config.json`, { headers: { origin: CONSOLE_ORIGIN } });
    const page = await fetch(`${server.url}/s/amber-harbor-482`);
    expect(page.status).toBe(200);
    for (const name of [
      "content-security-policy",
      "x-content-type-options",
      "referrer-policy",
      "x-frame-options",
      "cross-origin-opener-policy",
      "cross-origin-resource-policy",
    ])
      expect(config.headers.get(name), name).toBe(page.headers.get(name));
    expect(config.headers.get("permissions-policy")).toBe(LISTENER_PERMISSIONS_POLICY);
  });
});

describe("the listener site, as CloudFront serves it", () => {
  it("sends no CORS headers, even to a cross-origin request (its behaviour has no CORS policy)", async () => {
    const res = await fetch(`${server.url}/s/amber-harbor-482`, { headers: { origin: CONSOLE_ORIGIN } });
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((k) => k.startsWith("access-control-"))).toEqual([]);
  });
});

describe("the HTTP API, as API Gateway's CORS configuration answers", () => {
  it("answers the console's preflight with HTTP_CORS", async () => {
    const res = await fetch(`${server.context.config.apiUrl}/sessions`, {
      method: "OPTIONS",
      headers: {
        origin: CONSOLE_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")?.split(", ")).toEqual([...HTTP_CORS.allowMethods]);
    expect(res.headers.get("access-control-allow-headers")?.split(", ")).toEqual([...HTTP_CORS.allowHeaders]);
    expect(res.headers.get("access-control-max-age")).toBe(String(HTTP_CORS.maxAgeSeconds));
  });

  it("lets the console read its answers and the headers it needs", async () => {
    const res = await fetch(`${server.context.config.apiUrl}/sessions`, {
      headers: { origin: CONSOLE_ORIGIN, authorization: `Bearer ${server.context.ownerToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")?.split(", ")).toEqual([...HTTP_CORS.exposeHeaders]);
  });
});
