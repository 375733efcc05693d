import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_EXPOSED_HEADERS } from "../src/awsServiceCors.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../src/embeddedServer.js";

/** What Electron's console sends as its origin in the cloud. */
const CONSOLE_ORIGIN = "babelcast://console";

const dataDir = mkdtempSync(join(tmpdir(), "babelcast-aws-cors-"));
let server: RunningEmbeddedServer;
beforeAll(async () => {
  server = await startEmbeddedServer({ host: "127.0.0.1", port: 0, dataDir });
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("CORS on the emulated AWS endpoints, as a browser SDK meets AWS", () => {
  it("answers Polly's preflight before SigV4, allowing the signed headers the SDK asks for", async () => {
    const asked =
      "authorization, content-type, x-amz-content-sha256, x-amz-date, x-amz-security-token, x-amz-user-agent";
    const res = await fetch(`${server.url}${PATHS.polly}/v1/speech`, {
      method: "OPTIONS",
      headers: {
        origin: CONSOLE_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": asked,
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("POST");
    expect(res.headers.get("access-control-allow-headers")).toBe(asked);
  });

  it("a cross-origin answer (here a refusal of an unsigned call) is readable, with the error type exposed", async () => {
    const res = await fetch(`${server.url}${PATHS.polly}/v1/speech`, {
      method: "POST",
      headers: { origin: CONSOLE_ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ Text: "hi", OutputFormat: "pcm", VoiceId: "Joanna" }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")?.split(", ")).toEqual([...AWS_EXPOSED_HEADERS]);
  });

  it("still refuses an unsigned OPTIONS that is not a preflight, and leaves same-origin calls alone", async () => {
    const notPreflight = await fetch(`${server.url}${PATHS.polly}/v1/speech`, {
      method: "OPTIONS",
      headers: { origin: CONSOLE_ORIGIN },
    });
    expect(notPreflight.status).toBeGreaterThanOrEqual(400);
    const sameOrigin = await fetch(`${server.url}${PATHS.polly}/v1/speech`, { method: "POST", body: "{}" });
    expect(sameOrigin.headers.get("access-control-allow-origin")).toBeNull();
  });
});
