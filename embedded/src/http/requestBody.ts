import type { IncomingMessage } from "node:http";

/**
 * Reads a request body of at most `limit` bytes; undefined when it is larger, declared or streamed.
 * The rest is drained, not cut off, so the connection stays usable for the error answer. The one
 * request-body reader of the embedded server: each caller answers an overflow in its service's terms.
 */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
