import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLimitedBody } from "../../src/http/requestBody.js";

const LIMIT = 16;
let server: Server;
let port: number;

beforeAll(async () => {
  // Answers the body's length, or 413 when the reader refuses it.
  server = createServer(async (req, res) => {
    const body = await readLimitedBody(req, LIMIT);
    res.writeHead(body === undefined ? 413 : 200, { "content-type": "text/plain" });
    res.end(body === undefined ? "too large" : String(body.length));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `chunks` one write each (chunked unless `contentLength` is given) and reads the answer. */
function post(chunks: string[], contentLength?: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        headers: contentLength === undefined ? {} : { "content-length": contentLength },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString("utf8");
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("readLimitedBody", () => {
  it("reads a body up to the limit whole", async () => {
    expect(await post(["0123456789", "abcdef"])).toEqual({ status: 200, text: "16" });
    expect(await post([])).toEqual({ status: 200, text: "0" });
  });

  it("refuses a body streamed past the limit, and the client still gets the answer", async () => {
    expect(await post(["0123456789", "abcdefg", "x".repeat(100_000)])).toEqual({ status: 413, text: "too large" });
  });

  it("refuses a declared length past the limit before reading it, and the client still gets the answer", async () => {
    expect(await post(["x".repeat(LIMIT + 1)], LIMIT + 1)).toEqual({ status: 413, text: "too large" });
  });
});
