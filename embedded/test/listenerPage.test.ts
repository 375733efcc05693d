import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listenerPageCsp } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../src/embeddedServer.js";
import { connectSources, createListenerPageService } from "../src/listenerPage.js";

const dist = mkdtempSync(join(tmpdir(), "babelcast-listener-dist-"));
const page = (js: string) =>
  `<!doctype html><link rel="stylesheet" href="/s/assets/app-AAA.css"><script type="module" src="/s/assets/${js}"></script>`;

function writeDist(js: string) {
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "assets", "app-AAA.css"), "body{color:red}");
  writeFileSync(join(dist, "assets", js), "console.log('listener')");
  writeFileSync(join(dist, "index.html"), page(js));
  writeFileSync(join(dist, "assets", "screen-BBB.js"), "console.log('screen')");
  writeFileSync(
    join(dist, "screen.html"),
    '<!doctype html><link rel="stylesheet" href="/s/assets/app-AAA.css"><script type="module" src="/s/assets/screen-BBB.js"></script>',
  );
  mkdirSync(join(dist, "embed"), { recursive: true });
  writeFileSync(join(dist, "embed", "embed.js"), "console.log('embed')");
  writeFileSync(join(dist, "embed", "embed.css"), "body{color:blue}");
}

let server: RunningEmbeddedServer;
beforeAll(async () => {
  writeDist("app-111.js");
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "babelcast-listener-data-")),
    services: [(ctx) => createListenerPageService(ctx, { distDir: dist })],
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dist, { recursive: true, force: true });
});

describe("listener page service", () => {
  it("serves the page at /s/{sessionId} with a strict CSP and security headers", async () => {
    const res = await fetch(`${server.url}/s/amber-harbor-482`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).toContain("/s/assets/app-111.js");
  });

  it("serves the caption screen and its assets with the listener page's framing ban", async () => {
    const res = await fetch(`${server.url}/s/screen.html?session=amber-harbor-482&lang=es`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain("/s/assets/screen-BBB.js");
    expect((await fetch(`${server.url}/s/assets/screen-BBB.js`)).status).toBe(200);
  });

  it("serves the embed's script to other origins as CloudFront's /s/embed/* behaviour does", async () => {
    const res = await fetch(`${server.url}/s/embed/embed.js`, { headers: { origin: "https://www.example.org" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    // CORS headers only on CORS requests, as CloudFront adds them.
    expect((await fetch(`${server.url}/s/embed/embed.js`)).headers.get("access-control-allow-origin")).toBeNull();
    expect((await fetch(`${server.url}/s/embed/other.js`)).status).toBe(404);
  });

  it("also answers /s/ (the page then says the link lacks a session)", async () => {
    expect((await fetch(`${server.url}/s/`)).status).toBe(200);
  });

  it("sends gzip to browsers that accept it", async () => {
    const res = await fetch(`${server.url}/s/amber-harbor-482`, { headers: { "accept-encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(await res.text()).toContain("<!doctype html>");
  });

  it("serves the hashed assets the page names, cached for good", async () => {
    const res = await fetch(`${server.url}/s/assets/app-111.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/javascript");
    expect(res.headers.get("cache-control")).toContain("immutable");
  });

  it("refuses anything else under /s/", async () => {
    for (const path of ["/s/assets/secret.txt", "/s/assets/app-999.js", "/s/NotAnId", "/s/amber-harbor-482/x"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
    }
    const post = await fetch(`${server.url}/s/amber-harbor-482`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("picks up a rebuilt page without a restart", async () => {
    writeDist("app-222.js");
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dist, "index.html"), later, later);
    expect(await (await fetch(`${server.url}/s/amber-harbor-482`)).text()).toContain("app-222.js");
    expect((await fetch(`${server.url}/s/assets/app-222.js`)).status).toBe(200);
  });

  it("says how to build the page when it is missing", async () => {
    rmSync(join(dist, "index.html"));
    const res = await fetch(`${server.url}/s/amber-harbor-482`);
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toContain("npm run build -w listener-web");
  });
});

describe("connect-src", () => {
  it("lets the page reach the API, the WebSocket API and KVS signaling on both advertised hosts", () => {
    const sources = connectSources({
      url: "http://192.168.1.20:8080",
      loopbackUrl: "http://127.0.0.1:8080",
      config: {
        version: 1,
        mode: "embedded",
        region: "us-east-1",
        apiUrl: "http://192.168.1.20:8080/api",
        webSocketUrl: "ws://192.168.1.20:8080/ws",
        events: {
          httpUrl: "http://192.168.1.20:8080/aws/appsync-events/event",
          realtimeUrl: "ws://192.168.1.20:8080/aws/appsync-events/event/realtime",
        },
        listenerUrl: "http://192.168.1.20:8080",
        auth: { kind: "owner-token" },
      },
    });
    expect(sources).toEqual(
      expect.arrayContaining([
        "http://192.168.1.20:8080",
        "ws://192.168.1.20:8080",
        "http://127.0.0.1:8080",
        "ws://127.0.0.1:8080",
      ]),
    );
    expect(listenerPageCsp(sources)).toContain("connect-src 'self' http://192.168.1.20:8080 ws://192.168.1.20:8080");
  });
});
