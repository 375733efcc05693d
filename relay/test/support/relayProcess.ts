// The relay as a child process, as whoever runs relays starts it: `node --import tsx relay/src/cli.ts`,
// driven over its JSON-lines control API (protocol/src/relay.ts). Used by the relay's tests and the e2e specs.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type RelayCommand, type RelayEvent, RelayEvent as RelayEventSchema } from "@babelcast/protocol/relay";

const RELAY_CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
/** The repo root: `--import tsx` resolves from the working directory. */
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The relay as a child process, driven over its JSON-lines control API. */
export class RelayProcess {
  readonly events: RelayEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  stderr = "";

  constructor() {
    this.child = spawn(process.execPath, ["--import", "tsx", RELAY_CLI], {
      stdio: "pipe",
      cwd: REPO_ROOT,
      env: { ...process.env, BABELCAST_RELAY_LOG: "Warning" },
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.events.push(RelayEventSchema.parse(JSON.parse(line)));
    });
    this.child.stderr.on("data", (d: Buffer) => {
      this.stderr += d.toString();
    });
  }

  /** The relay's process id (benches read its CPU time from /proc/<pid>/stat). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  send(command: RelayCommand | Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  errors(): string[] {
    return this.events.flatMap((e) => (e.type === "error" ? [e.message] : []));
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.send({ type: "stop" });
    return exited;
  }
}
