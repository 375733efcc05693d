import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consolePageCsp } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleFileFor, createConsolePageService } from "../src/consolePage.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../src/embeddedServer.js";

describe("console page files", () => {
  it("maps /console/ paths to built files and refuses anything else", () => {
    expect(consoleFileFor("/d", "/console/")).toBe("/d/index.html");
    expect(consoleFileFor("/d", "/console/app.js")).toBe("/d/app.js");
    expect(consoleFileFor("/d", "/console/worklets/capture.js")).toBe("/d/worklets/capture.js");
    expect(consoleFileFor("/d", "/console/../../etc/passwd")).toBeUndefined();
    expect(consoleFileFor("/d", "/console/.env")).toBeUndefined();
    expect(consoleFileFor("/d", "/console/a/b/c.js")).toBeUndefined();
  });

  it("allows scripts from itself only and network to the server's origins", () => {
    const csp = consolePageCsp(["http://127.0.0.1:8080", "ws://127.0.0.1:8080"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self' blob:");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:8080 ws://127.0.0.1:8080");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe("console page service", () => {
  let server: RunningEmbeddedServer;
  let dist: string;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "babelcast-console-page-"));
    dist = join(dataDir, "dist");
    mkdirSync(dist);
    writeFileSync(join(dist, "index.html"), "<!doctype html><script type=module src=app.js></script>");
    writeFileSync(join(dist, "app.js"), "console.log('console');");
    server = await startEmbeddedServer({
      host: "127.0.0.1",
      port: 0,
      dataDir,
      services: [(ctx) => createConsolePageService(ctx, { distDir: dist })],
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("serves the console with its CSP and no referrer, and the console URL carries the token in the fragment", async () => {
    expect(server.consoleUrl).toMatch(/\/console\/#token=/);
    const res = await fetch(`${server.url}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("permissions-policy")).toContain("microphone=(self)");
    const js = await fetch(`${server.url}/console/app.js`);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect(await js.text()).toContain("console");
  });

  it("redirects /console to /console/ and answers 404 and 405 in the API's error shape", async () => {
    const redirect = await fetch(`${server.url}/console`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("/console/");
    const missing = await fetch(`${server.url}/console/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "NotFound" } });
    const post = await fetch(`${server.url}/console/`, { method: "POST" });
    expect(post.status).toBe(405);
  });
});
