import type { ServerMessage } from "@babelcast/protocol";
import type { ConnectionRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";

/** Parallel sends per fan-out: enough to fill the pipe, few enough not to exhaust sockets. */
const SEND_CONCURRENCY = 64;

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
        else gone.push(c);
      } catch (err) {
        deps.log.warn("post to connection failed", { connectionId: c.connectionId, error: String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, connections.length) }, worker));
  return { delivered, gone };
}
