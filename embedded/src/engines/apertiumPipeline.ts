import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * One long-lived Apertium pipeline per mode (e.g. `eng-spa`).
 *
 * Why and how (measured on the 2-core machine, eng-spa, short sentences):
 * - `apertium eng-spa` per request costs ≈ 300 ms, almost all of it starting the ~12
 *   processes of the mode and loading their transducers.
 * - `apertium-wblank-mode -z MODE` prints the mode's pipeline with `-z` (null-flush) on
 *   every stage. Run once under `bash -c`, it stays up; each block written to its stdin
 *   ending in `\0` comes back, translated, ending in `\0` — the separator does survive the
 *   whole chain (lt-proc, tagger, pretransfer, transfer, interchunk, postchunk, generator,
 *   post-generator). A warm request then takes ≈ 2–5 ms.
 * - `$1` of the mode is the generator option: `-n` leaves unknown words unmarked (what
 *   `apertium -u` does; captions should not show `*`), `$2` the tagger option (empty).
 * - Deformatting (`apertium-destxt`) and reformatting (`apertium-retxt`) have no
 *   null-flush mode, so they are done in-process (see apertiumStream.ts).
 * - Requests are written as they come and answered in FIFO order: a pipe keeps order, so
 *   concurrent requests are serialized by the pipeline itself without waiting on each other.
 */

export const APERTIUM_MODES_DIR = "/usr/share/apertium/modes";

export class ApertiumError extends Error {
  override readonly name = "ApertiumError";
}

interface Pending {
  readonly resolve: (stream: string) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ApertiumPipelineOptions {
  readonly modesDir?: string;
  /** Longest a block may take before the pipeline is deemed stuck and restarted. */
  readonly timeoutMs?: number;
}

export class ApertiumPipeline {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: Pending[] = [];
  private received: Buffer[] = [];
  private readonly script: string;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(
    readonly mode: string,
    options: ApertiumPipelineOptions = {},
  ) {
    const file = join(options.modesDir ?? APERTIUM_MODES_DIR, `${mode}.mode`);
    if (!existsSync(file)) throw new ApertiumError(`Apertium mode ${mode} is not installed (no ${file})`);
    this.script = execFileSync("apertium-wblank-mode", ["-z", file], { encoding: "utf8" }).trim();
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Starts the processes now rather than on the first request (they take ≈ 300 ms). */
  warmUp(): Promise<string> {
    return this.translateStream("[]");
  }

  /** Translates one block in Apertium stream format; answers in stream format. */
  translateStream(stream: string): Promise<string> {
    if (this.closed) return Promise.reject(new ApertiumError(`the ${this.mode} pipeline is closed`));
    const child = this.ensureStarted();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => this.restart(`the ${this.mode} pipeline took over ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      this.pending.push({ resolve, reject, timer });
      // A NUL inside the text would split the block and desynchronize the FIFO.
      child.stdin.write(`${stream.replace(/\0/g, "")}\0`);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.restart(`the ${this.mode} pipeline was closed`);
  }

  private ensureStarted(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("bash", ["-c", this.script, "apertium-pipeline", "-n", ""], {
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group, so a stuck pipeline is ended whole (bash and every stage).
      detached: true,
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    child.stdin.on("error", () => undefined);
    child.on("exit", (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.failAll(
        new ApertiumError(`the ${this.mode} pipeline exited (${signal ?? code}): ${stderr.trim() || "no output"}`),
      );
    });
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let i = chunk.indexOf(0); i >= 0; i = chunk.indexOf(0, start)) {
      this.received.push(chunk.subarray(start, i));
      const block = Buffer.concat(this.received).toString("utf8");
      this.received = [];
      start = i + 1;
      const next = this.pending.shift();
      if (next) {
        clearTimeout(next.timer);
        next.resolve(block);
      }
    }
    if (start < chunk.length) this.received.push(chunk.subarray(start));
  }

  private failAll(err: Error): void {
    const pending = this.pending;
    this.pending = [];
    this.received = [];
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  /** Kills the processes (the next request starts fresh ones) and fails what was waiting. */
  private restart(reason: string): void {
    const child = this.child;
    this.child = undefined;
    if (child?.pid !== undefined) {
      child.stdin.end();
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    this.failAll(new ApertiumError(reason));
  }
}

/** The installed modes, by name (e.g. `eng-spa`, `es-fr`). */
export function installedApertiumModes(modesDir = APERTIUM_MODES_DIR): string[] {
  try {
    return readdirSync(modesDir)
      .filter((f) => f.endsWith(".mode"))
      .map((f) => f.slice(0, -".mode".length));
  } catch {
    return [];
  }
}
