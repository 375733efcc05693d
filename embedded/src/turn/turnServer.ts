import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import { type TurnCredentials, turnRestCredentials } from "./turnCredentials.js";

export interface TurnServerOptions {
  /** IPv4 address to listen and relay on (the embedded server's advertised address). */
  readonly host: string;
  /** Where coturn keeps its (unused but required) user database. */
  readonly workDir: string;
  readonly command?: string;
  readonly log: Logger;
  /** How long to wait for the server to answer STUN. */
  readonly readyTimeoutMs?: number;
}

const MAX_LOG_LINES = 40;

/** Where `command` runs from (PATH lookup as the shell does), or undefined when it is not installed. */
function installedAt(command: string): string | undefined {
  const candidates = command.includes("/")
    ? [command]
    : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, command));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** util-linux's setpriv: with it, coturn dies with the embedded server even when that is killed outright. */
const SETPRIV = "/usr/bin/setpriv";

/** A STUN Binding request (RFC 5389 §6): type 0x0001, no attributes, the magic cookie, a transaction id. */
function bindingRequest(): Buffer {
  const message = Buffer.alloc(20);
  message.writeUInt16BE(0x0001, 0);
  message.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(message, 8);
  return message;
}

function isBindingSuccess(reply: Buffer, request: Buffer): boolean {
  return (
    reply.length >= 20 && reply.readUInt16BE(0) === 0x0101 && reply.subarray(8, 20).equals(request.subarray(8, 20))
  );
}

/** A port free for both UDP and TCP on `host` (coturn listens on both). */
async function freePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tcp = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(0, host, () => {
        const address = tcp.address();
        resolve(typeof address === "object" && address ? address.port : 0);
      });
    });
    const udp = createSocket("udp4");
    const free = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, host, () => resolve(true));
    });
    udp.close();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (free) return port;
  }
  throw new Error(`no free port for the TURN server on ${host}`);
}

/** Resolves once the server at host:port answers a STUN Binding request; rejects after `timeoutMs`. */
function answersStun(host: string, port: number, timeoutMs: number, exited: Promise<string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: UdpSocket = createSocket("udp4");
    const request = bindingRequest();
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(resend);
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve();
    };
    socket.on("message", (reply) => {
      if (isBindingSuccess(reply, request)) finish();
    });
    socket.on("error", (err) => finish(err));
    const send = () => socket.send(request, port, host);
    const resend = setInterval(send, 100);
    const timer = setTimeout(
      () => finish(new Error(`the TURN server did not answer STUN on ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    void exited.then((why) => finish(new Error(why)));
    send();
  });
}

/**
 * A real TURN server for GetIceServerConfig: Debian's coturn (`turnserver`) as a child
 * process, UDP and TCP on one free port, no TLS, relaying on the same address, with
 * time-limited credentials from a shared secret (TURN REST API) made fresh at each start.
 */
export class CoturnServer {
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly secret: string,
    readonly host: string,
    readonly port: number,
    private readonly exited: Promise<string>,
    private readonly killOnExit: () => void,
  ) {}

  /** Starts `turnserver` and waits until it answers STUN; a missing binary gets an error saying what to install. */
  static async start(options: TurnServerOptions): Promise<CoturnServer> {
    const command = options.command ?? "turnserver";
    const binary = installedAt(command);
    if (!binary) {
      throw new Error(
        `the TURN server \`${command}\` is not installed: install Debian's coturn (sudo apt-get install coturn), or set "turn": {"enabled": false} in embedded.json`,
      );
    }
    let lastError: Error | undefined;
    // A free port can be taken between the probe and coturn's bind: try a few.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await CoturnServer.startOnce(options, binary, await freePort(options.host));
      } catch (err) {
        lastError = err as Error;
      }
    }
    throw lastError ?? new Error("the TURN server did not start");
  }

  private static async startOnce(options: TurnServerOptions, binary: string, port: number): Promise<CoturnServer> {
    const secret = randomBytes(32).toString("hex");
    mkdirSync(options.workDir, { recursive: true, mode: 0o700 });
    // The secret goes in a file only this user can read, not on the command line (`ps` shows that).
    const configFile = join(options.workDir, "turnserver.conf");
    writeFileSync(configFile, `static-auth-secret=${secret}\n`, { mode: 0o600 });
    const args = [
      "-c",
      configFile,
      "--listening-ip",
      options.host,
      "--relay-ip",
      options.host,
      "--listening-port",
      String(port),
      "--use-auth-secret",
      "--realm",
      "babelcast.embedded",
      "--fingerprint",
      "--no-tls",
      "--no-dtls",
      "--no-cli",
      // Every peer of the embedded server may be on this machine (tests, relays).
      "--allow-loopback-peers",
      "--no-multicast-peers",
      "--userdb",
      join(options.workDir, "turndb"),
      "--log-file",
      "stdout",
      "--simple-log",
    ];
    const child = existsSync(SETPRIV)
      ? spawn(SETPRIV, ["--pdeathsig", "KILL", binary, ...args], { stdio: ["ignore", "pipe", "pipe"] })
      : spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    const logLines: string[] = [];
    const keep = (chunk: Buffer) => {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      logLines.splice(0, Math.max(0, logLines.length - MAX_LOG_LINES));
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const exited = new Promise<string>((resolve) => {
      child.once("error", (err) => resolve(`the TURN server \`${binary}\` failed to start: ${err.message}`));
      child.once("exit", (code, signal) =>
        resolve(`the TURN server exited (${signal ?? `code ${code}`}):\n${logLines.slice(-10).join("\n")}`),
      );
    });
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    try {
      await answersStun(options.host, port, options.readyTimeoutMs ?? 10_000, exited);
    } catch (err) {
      process.off("exit", killOnExit);
      child.kill("SIGKILL");
      throw err;
    }
    const server = new CoturnServer(child, secret, options.host, port, exited, killOnExit);
    void exited.then((why) => {
      if (!server.stopping) options.log.error("the TURN server stopped", { why });
    });
    options.log.info("TURN server ready", { host: options.host, port });
    return server;
  }

  /** The URIs a client reaches this server by: UDP and TCP, as KVS lists its `turn:` entries. */
  get uris(): string[] {
    return [`turn:${this.host}:${this.port}?transport=udp`, `turn:${this.host}:${this.port}?transport=tcp`];
  }

  credentials(name: string, ttlSeconds: number, nowMs = Date.now()): TurnCredentials {
    return turnRestCredentials(this.secret, name, ttlSeconds, nowMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    process.off("exit", this.killOnExit);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const killer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
    await this.exited;
    clearTimeout(killer);
  }
}
