// Drives one viewerFleet.ts child process (the relay bench's load generator) over its JSON lines.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { SignalingGrant } from "@babelcast/protocol";

const repoRoot = join(import.meta.dirname, "..", "..", "..");

type FleetEvent =
  | { type: "joined"; ok: string[]; failed: { id: string; why: string }[]; retried: number }
  | { type: "counts"; at: number; packets: Record<string, [number, number]> }
  | { type: "error"; message: string };

export class FleetProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<string, Array<(e: FleetEvent) => void>>();
  stderr = "";

  constructor(readonly name: string) {
    this.child = spawn(join(repoRoot, "node_modules", ".bin", "tsx"), [join(import.meta.dirname, "viewerFleet.ts")], {
      cwd: repoRoot,
      stdio: "pipe",
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      const event = JSON.parse(line) as FleetEvent;
      this.waiting.get(event.type)?.shift()?.(event);
      if (event.type === "error") process.stderr.write(`[${name}] ${event.message}\n`);
    });
    this.child.stderr.on("data", (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
  }

  /** The tsx launcher's pid: the fleet's node process is its child (count the whole tree). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private request<T extends FleetEvent["type"]>(type: T, command: object): Promise<Extract<FleetEvent, { type: T }>> {
    return new Promise((resolve) => {
      const list = this.waiting.get(type) ?? [];
      list.push(resolve as (e: FleetEvent) => void);
      this.waiting.set(type, list);
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }

  join(viewers: readonly { id: string; grant: SignalingGrant }[]) {
    return this.request("joined", { type: "join", viewers });
  }

  /** Per viewer: [packets received, highest extended sequence number], read at `at` (epoch ms). */
  async counts(): Promise<{ at: number; packets: Record<string, [number, number]> }> {
    const { at, packets } = await this.request("counts", { type: "counts" });
    return { at, packets };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin.write(`${JSON.stringify({ type: "stop" })}\n`);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}
