import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";
import { type RelayHeartbeatRequest, relayApiRequest } from "@babelcast/protocol/relayRegistry";
import { z } from "zod";

/** Section of `D/embedded.json` for the relays the embedded server runs (docs/relays.md). */
export const RELAYS_SETTINGS_SECTION = "relays";
export const RelaySettings = z.strictObject({
  /** Relay agents to run once an audience needs them (0: off, every listener past the console's direct capacity gets captions). */
  count: z.number().int().min(0).max(10).default(2),
  /** Listeners each relay serves at most. */
  capacity: z.number().int().min(1).max(10_000).default(100),
});
export type RelaySettings = z.infer<typeof RelaySettings>;

/** The repo root: `--import tsx` resolves from the working directory. */
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The relay agent's entry (run from source with tsx, as the embedded server itself runs). */
const AGENT_ENTRY = fileURLToPath(new URL("../../../relay/src/agent.ts", import.meta.url));
/** A crashed agent is started again after this pause (a crash loop costs one spawn a second, not a busy loop). */
const RESTART_DELAY_MS = 1000;
/** How long a stopping agent gets to tell the backend and close before it is killed. */
const STOP_GRACE_MS = 3000;

/**
 * Starts how many early: relays come up when a session's held audio slots reach the console's
 * direct capacity less this margin, so they are registered before the first listener who needs one.
 */
export const RELAY_START_MARGIN = 2;

export interface RelaySupervisorOptions {
  readonly settings: RelaySettings;
  /** The HTTP API's base URL (loopback). */
  readonly apiUrl: string;
  /** The data dir's relay key file. */
  readonly keyFile: string;
  /** Address the relays' ICE binds to (loopback when the embedded server listens on loopback only). */
  readonly bindAddress?: string;
  readonly log: Logger;
}

interface Agent {
  readonly relayId: string;
  child?: ChildProcess;
}

/**
 * The embedded home of relays: `count` relay agents as child processes, started lazily (the
 * first time an audience comes near the console's direct capacity), started again when one
 * crashes, stopped with the server. The agents register and heartbeat over the HTTP API like
 * any relay, with the data dir's relay key.
 */
export class RelaySupervisor {
  private readonly agents: Agent[];
  private started = false;
  private stopping = false;

  constructor(private readonly options: RelaySupervisorOptions) {
    this.agents = Array.from({ length: options.settings.count }, (_, i) => ({ relayId: `relay-embedded-${i + 1}` }));
  }

  /** Whether the agents were started (or there are none to start). */
  get running(): boolean {
    return this.started || this.agents.length === 0;
  }

  /** After a join: starts the relays once a session's held slots come near the direct capacity. */
  noteAudience(heldSlots: number, directCapacity: number): void {
    if (this.started || this.agents.length === 0) return;
    if (heldSlots >= Math.max(0, directCapacity - RELAY_START_MARGIN)) this.start();
  }

  /** Starts every agent now (tests; the server starts them lazily through `noteAudience`). */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.options.log.info("starting relays", { count: this.agents.length });
    for (const agent of this.agents) this.spawn(agent);
  }

  /** The agents' process ids, by relay id (tests kill one to see the pool recover). */
  processes(): Record<string, number | undefined> {
    return Object.fromEntries(this.agents.map((a) => [a.relayId, a.child?.pid]));
  }

  private spawn(agent: Agent): void {
    const { apiUrl, keyFile, bindAddress, settings } = this.options;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        AGENT_ENTRY,
        "--api",
        apiUrl,
        "--relay-id",
        agent.relayId,
        "--capacity",
        String(settings.capacity),
        "--key-file",
        keyFile,
        ...(bindAddress ? ["--bind", bindAddress] : []),
      ],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    agent.child = child;
    const forward = (stream: NodeJS.ReadableStream | null, level: "info" | "warn") => {
      let rest = "";
      stream?.on("data", (chunk: Buffer) => {
        const lines = (rest + chunk.toString("utf8")).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) if (line.trim()) this.options.log[level]("relay", { relayId: agent.relayId, line });
      });
    };
    forward(child.stdout, "info");
    forward(child.stderr, "warn");
    child.on("exit", (code, signal) => {
      if (agent.child === child) agent.child = undefined;
      if (this.stopping) return;
      this.options.log.warn("relay exited: starting it again", { relayId: agent.relayId, code, signal });
      void this.reportDrained(agent.relayId);
      setTimeout(() => {
        if (!this.stopping && !agent.child) this.spawn(agent);
      }, RESTART_DELAY_MS).unref();
    });
  }

  /**
   * An agent that died (crash, SIGKILL) could not send its SIGTERM drain: the supervisor, which
   * sees the exit at once, sends it in the agent's name over the same route and key, so a live
   * relay's next heartbeat (about a second) adopts its channels instead of waiting for the dead
   * one's heartbeats to go `relayDeadAfterSeconds` stale. The restarted agent registers again,
   * which makes it live and not draining.
   */
  private async reportDrained(relayId: string): Promise<void> {
    const drained: RelayHeartbeatRequest = { listeners: {}, sessions: {}, draining: true };
    try {
      const key = readFileSync(this.options.keyFile, "utf8").trim();
      const res = await fetch(...relayApiRequest(this.options.apiUrl, key, `/relays/${relayId}/heartbeat`, drained));
      // 404: it never registered; nothing of its to hand over.
      if (!res.ok && res.status !== 404) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      // Its heartbeats still go stale: the channels are adopted later, not lost.
      this.options.log.warn("could not mark the exited relay as draining", { relayId, error: String(err) });
    }
  }

  /** Stops every agent (SIGTERM: it tells the backend it drains), killing those that do not exit in time. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.agents.map(async (agent) => {
        const child = agent.child;
        if (!child || child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
