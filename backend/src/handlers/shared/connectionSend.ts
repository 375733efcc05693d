import type { ServerMessage } from "@babelcast/protocol";
import type { ConnectionRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";

/** Parallel sends per fan-out: enough to fill the pipe, few enough not to exhaust sockets. */
const SEND_CONCURRENCY = 64;

/**
 * A connection's row is written by its `$connect` function, but API Gateway opens the socket
 * only once `$connect` returns; a post in between answers 410 Gone (the connection is not
 * established yet: aws/aws-sdk-js#3773, and "API Gateway does not open a connection until the
 * $connect integration returns", docs.aws.amazon.com/apigateway/latest/developerguide/
 * apigateway-websocket-api-route-keys-connect-disconnect.html). Forgetting such a connection
 * would cut its client off every later message (a console's progress, a listener's presence),
 * so a Gone within the integration timeout (29 s) of its `$connect` is not taken as gone; its
 * client asks for what it missed (hello).
 */
const CONNECTING_MS = 30_000;

/** Posts one message to each connection; says how many got it and which are gone (no table writes). */
export async function postToEach(
  deps: BackendDeps,
  connections: readonly ConnectionRecord[],
  message: ServerMessage,
): Promise<{ delivered: number; gone: ConnectionRecord[] }> {
  let delivered = 0;
  const gone: ConnectionRecord[] = [];
  let next = 0;
  const worker = async () => {
    while (next < connections.length) {
      const c = connections[next++] as ConnectionRecord;
      try {
        if (await deps.sockets.send(c.connectionId, message)) delivered += 1;
        else if (deps.now() - c.connectedAt > CONNECTING_MS) gone.push(c);
      } catch (err) {
        deps.log.warn("post to connection failed", { connectionId: c.connectionId, error: String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, connections.length) }, worker));
  return { delivered, gone };
}
