import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ServeReadyLine } from "@babelcast/protocol";

export interface ServedEmbedded {
  readonly ready: ServeReadyLine;
  readonly dataDir: string;
  readonly process: ChildProcess;
  stop(): Promise<number | null>;
}

const repoRoot = join(import.meta.dirname, "..", "..");

/**
 * In the cloud the console is Electron's `babelcast://console`, an origin apart from the
 * API's and the listener site's. Tests load it from `localhost` while everything it calls
 * stays on the server's address, so every request it makes crosses origins (CORS) as there.
 */
export function consoleOnItsOwnOrigin(ready: ServeReadyLine): ServeReadyLine {
  const page = new URL(ready.consoleUrl);
  const configUrl = `${new URL(ready.url).origin}/config.json`;
  if (page.hostname !== "127.0.0.1") throw new Error(`expected the console on 127.0.0.1, got ${page.hostname}`);
  page.hostname = "localhost";
  page.searchParams.set("config", configUrl);
  return { ...ready, consoleUrl: page.toString() };
}

/** Starts the embedded server the way `npm run serve` does and waits for its ready line; the console on an origin of its own. */
export async function serveEmbedded(options: { dataDir?: string; args?: string[] } = {}): Promise<ServedEmbedded> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "babelcast-e2e-"));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(repoRoot, "embedded", "src", "cli.ts"),
      "--port",
      "0",
      "--data-dir",
      dataDir,
      ...(options.args ?? []),
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<ServeReadyLine>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded server not ready in 60 s:\n${stderr}`)), 60_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(consoleOnItsOwnOrigin(ServeReadyLine.parse(JSON.parse(line))));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded server exited with ${code}:\n${stderr}`));
    });
  });
  return {
    ready,
    dataDir,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
