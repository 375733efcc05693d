import { parseArgs } from "node:util";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import { defaultDataDir } from "./dataDir.js";
import { startEmbeddedServer } from "./embeddedServer.js";

const USAGE = `usage: npm run serve -- [--host H] [--port P] [--streaming-port S] [--data-dir D] [--public-host LAN_HOST]
  --host            address to listen on (default 127.0.0.1; 0.0.0.0 for the LAN)
  --port            port (default 0: a free port)
  --streaming-port  the Transcribe streaming endpoint's own port (default 0: a free one; config.json names it)
  --data-dir        where sessions, credentials and settings live (default ~/.babelcast)
  --public-host     host written into listener URLs when it differs from --host`;

/** Logs go to stderr as JSON lines: stdout carries only the ready line. */
const stderrLog: Logger = {
  info: (message, fields) => process.stderr.write(`${JSON.stringify({ level: "info", message, ...fields })}\n`),
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ level: "warn", message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: "error", message, ...fields })}\n`),
};

function fail(message: string): never {
  process.stderr.write(`babelcast serve: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values: {
    host?: string;
    port?: string;
    "streaming-port"?: string;
    "data-dir"?: string;
    "public-host"?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "streaming-port": { type: "string" },
        "data-dir": { type: "string" },
        "public-host": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const portOption = (name: "port" | "streaming-port"): number => {
    const port = Number(values[name] ?? "0");
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      fail(`--${name} must be a whole number from 0 to 65535, got "${values[name]}"`);
    return port;
  };
  const port = portOption("port");
  const streamingPort = portOption("streaming-port");

  let server: Awaited<ReturnType<typeof startEmbeddedServer>>;
  try {
    server = await startEmbeddedServer({
      host: values.host ?? "127.0.0.1",
      port,
      streamingPort,
      dataDir: values["data-dir"] ?? defaultDataDir(),
      ...(values["public-host"] ? { publicHost: values["public-host"] } : {}),
      log: stderrLog,
    });
  } catch (err) {
    fail((err as Error).message);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stderrLog.info("stopping", { signal });
    // Never hang a terminal or a test: whatever is still open after 4.5 s is abandoned.
    setTimeout(() => process.exit(0), 4500).unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        stderrLog.error("stop failed", { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  process.stdout.write(
    `${JSON.stringify({ ready: true, url: server.url, consoleUrl: server.consoleUrl, listenerUrl: server.listenerUrl })}\n`,
  );
}

void main();
