import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigDocument, ServeReadyLine } from "@babelcast/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { parseCredentialsFile } from "../src/dataDir.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function serve(args: string[]): Run {
  // As `npm run serve` runs it: Node with tsx as a loader, so a signal reaches the server itself (the tsx CLI
  // relays it and, if the server is slow to acknowledge under load, SIGKILLs it and exits 130).
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "embedded/src/cli.ts"), ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function readyLine(run: Run): Promise<ServeReadyLine> {
  for (let i = 0; i < 600; i++) {
    if (run.stdout().includes("\n")) return ServeReadyLine.parse(JSON.parse(run.stdout().split("\n")[0] ?? ""));
    if (run.child.exitCode !== null) throw new Error(`server exited: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no ready line in 60 s");
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "babelcast-serve-"));
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

describe("npm run serve", () => {
  it("prints exactly one ready line, serves a valid config document and writes credentials", async () => {
    const dataDir = join(tempDir(), "nested", "data");
    const run = serve(["--port", "0", "--data-dir", dataDir]);
    const ready = await readyLine(run);
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.consoleUrl).toContain("token=");
    expect(ready.listenerUrl.startsWith(ready.url)).toBe(true);

    const res = await fetch(`${ready.url}/config.json`);
    expect(res.status).toBe(200);
    const config = ConfigDocument.parse(await res.json());
    expect(config.mode).toBe("embedded");
    expect(Object.keys(config.endpoints ?? {})).toEqual(
      expect.arrayContaining(["kinesisvideo", "transcribe", "translate", "polly", "dynamodb"]),
    );

    const credentials = parseCredentialsFile(readFileSync(join(dataDir, "aws-credentials"), "utf8"), "babelcast");
    expect(credentials?.accessKeyId).toBeTruthy();
    expect(statSync(join(dataDir, "aws-credentials")).mode & 0o077).toBe(0);
    const token = decodeURIComponent(ready.consoleUrl.split("token=")[1] ?? "");
    expect(readFileSync(join(dataDir, "owner-token"), "utf8").trim()).toBe(token);

    run.child.kill("SIGTERM");
    const started = Date.now();
    expect(await run.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.stdout().trim().split("\n")).toHaveLength(1);
  });

  it("stops cleanly on SIGINT and keeps credentials and token across restarts", async () => {
    const dataDir = tempDir();
    const first = serve(["--data-dir", dataDir]);
    const a = await readyLine(first);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    const second = serve(["--data-dir", dataDir]);
    const b = await readyLine(second);
    expect(b.consoleUrl.split("token=")[1]).toBe(a.consoleUrl.split("token=")[1]);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  it("serves Transcribe streaming on a port of its own, named in config.json, which answers nothing else", async () => {
    const run = serve(["--data-dir", tempDir()]);
    const ready = await readyLine(run);
    const config = ConfigDocument.parse(await (await fetch(`${ready.url}/config.json`)).json());
    const streaming = new URL(config.endpoints?.transcribe ?? "");
    const main = new URL(ready.url);
    expect(streaming.hostname).toBe(main.hostname);
    expect(streaming.port).not.toBe(main.port);
    expect(streaming.pathname).toBe("/aws/transcribe");
    // The console page may connect there (its CSP names the endpoint's origin, ws:// included).
    const page = await fetch(`${ready.url}/console/`);
    expect(page.headers.get("content-security-policy")).toContain(`ws://${streaming.host}`);
    // Plain requests and other paths are refused there; the main port's APIs are not served on it.
    const plain = await fetch(`${streaming.origin}/config.json`);
    expect(plain.status).toBe(404);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe("NotFound");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });

  it.each(["--port", "--streaming-port"])("refuses a taken %s, with a message saying what to do", async (flag) => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = serve([flag, String(port), "--data-dir", tempDir()]);
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toContain(
        `port ${port} on 127.0.0.1 is already in use: stop the other process or pass ${flag} 0 for a free port`,
      );
      expect(run.stdout()).toBe("");
    } finally {
      blocker.close();
    }
  });

  it("refuses a data dir it cannot write, with a message saying what to do", async () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "not a directory");
    const run = serve(["--data-dir", join(file, "data")]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/data dir .* is not writable .*--data-dir/);
    expect(run.stdout()).toBe("");
  });

  it("rejects a bad port argument", async () => {
    const run = serve(["--port", "http"]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain("--port must be a whole number");
  });
});
