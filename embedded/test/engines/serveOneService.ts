import type { EmbeddedContext, EmbeddedService } from "../../src/embeddedContext.js";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";

/** Starts an embedded server holding only the service under test; hands back both. */
export async function serveOneService<S extends EmbeddedService>(
  dataDir: string,
  create: (ctx: EmbeddedContext) => S,
): Promise<{ server: RunningEmbeddedServer; service: S }> {
  let service: S | undefined;
  const server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir,
    services: [
      (ctx) => {
        service = create(ctx);
        return service;
      },
    ],
  });
  if (!service) throw new Error("the service under test did not start");
  return { server, service };
}

/** SDK client options for an embedded endpoint: its URL, region and credentials, one attempt. */
export function clientOptions(server: RunningEmbeddedServer, path: string) {
  return {
    endpoint: `${server.url}${path}`,
    region: server.context.region,
    credentials: server.context.credentials,
    maxAttempts: 1,
  };
}
