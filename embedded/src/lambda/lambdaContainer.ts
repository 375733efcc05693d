import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";

/** The runtime's answer for a failed invocation (what Lambda returns as a function error). */
export interface RuntimeError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** A function error (the handler threw, timed out, ran out of memory, or returned something not JSON). */
export class FunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly runtimeError: RuntimeError,
  ) {
    super(`${functionName} failed: ${runtimeError.errorType}: ${runtimeError.errorMessage}`);
    this.name = "FunctionError";
  }
}

export interface ContainerSpec {
  readonly functionName: string;
  /** file: URL of the bundled handler module. */
  readonly handlerUrl: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** The function's environment variables, as the stack sets them. */
  readonly environment: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accountId: string;
  readonly log: Logger;
}

type FromEnvironment =
  | { kind: "ready"; initMs: number }
  | { kind: "initError"; error: RuntimeError }
  | { kind: "result"; requestId: string; payload: string }
  | { kind: "error"; requestId: string; error: RuntimeError };

const ENVIRONMENT_SCRIPT = new URL("./executionEnvironment.mjs", import.meta.url);

/** Lambda's init phase is capped at 10 s. https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html */
const INIT_TIMEOUT_MS = 10_000;

/** Forwards a worker's stdout/stderr lines to the server log, as Lambda forwards them to CloudWatch Logs. */
function forwardLines(stream: Readable, write: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", write);
}

/**
 * One execution environment of a function: a worker thread with its own module instance,
 * running one invocation at a time. A timeout, a crash or running out of memory ends it
 * (Lambda resets the environment then); the pool starts a fresh one when needed.
 */
export class LambdaContainer {
  readonly id = randomUUID().slice(0, 8);
  invocations = 0;
  lastUsedAt = Date.now();
  busy = false;
  /** Milliseconds from spawning the worker to the handler module being loaded. */
  coldStartMs = 0;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly wake = new Int32Array(new SharedArrayBuffer(4));
  private dead: RuntimeError | undefined;
  private pending: ((message: FromEnvironment) => void) | undefined;
  readonly ready: Promise<void>;

  constructor(private readonly spec: ContainerSpec) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, "/")}/[$LATEST]${this.id}`;
    const started = performance.now();
    this.worker = new Worker(ENVIRONMENT_SCRIPT, {
      workerData: {
        handlerUrl: spec.handlerUrl,
        port: port2,
        wake: this.wake.buffer,
        context: {
          functionName: spec.functionName,
          functionVersion: "$LATEST",
          invokedFunctionArn: `arn:aws:lambda:${spec.region}:${spec.accountId}:function:${spec.functionName}`,
          memoryLimitInMB: String(spec.memorySize),
          logGroupName: `/aws/lambda/${spec.functionName}`,
          logStreamName,
        },
      },
      transferList: [port2],
      env: { ...spec.environment, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName },
      // The function's memory setting bounds the heap; exceeding it ends the environment as in Lambda.
      resourceLimits: { maxOldGenerationSizeMb: spec.memorySize },
      stdout: true,
      stderr: true,
      // Not the server's flags (test loaders and the like): a Lambda runtime starts plain.
      execArgv: [],
    });
    forwardLines(this.worker.stdout, (line) => spec.log.info(line, { function: spec.functionName }));
    forwardLines(this.worker.stderr, (line) => spec.log.warn(line, { function: spec.functionName }));
    this.port.on("message", (message: FromEnvironment) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.(message);
    });
    this.worker.on("error", (err) => this.die({ errorType: "Runtime.ExitError", errorMessage: String(err) }));
    this.worker.on("exit", (code) =>
      this.die({ errorType: "Runtime.ExitError", errorMessage: `the runtime exited with code ${code}` }),
    );
    this.ready = this.next(INIT_TIMEOUT_MS, {
      errorType: "Runtime.InitTimeout",
      errorMessage: `init did not finish within ${INIT_TIMEOUT_MS / 1000} seconds`,
    }).then((message) => {
      if (message.kind === "initError") {
        this.kill();
        throw new FunctionError(spec.functionName, message.error);
      }
      this.coldStartMs = performance.now() - started;
    });
    // Whoever invokes sees the failure; a container nobody invoked yet must not crash the server.
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Runs one invocation: the event as JSON text in, the result as JSON text out. */
  async invoke(payload: string): Promise<string> {
    if (this.busy) throw new Error(`container ${this.id} of ${this.spec.functionName} is busy`);
    this.busy = true;
    this.invocations += 1;
    try {
      await this.ready;
      const requestId = randomUUID();
      const timeoutMs = this.spec.timeoutSeconds * 1000;
      const answer = this.next(timeoutMs, {
        // Lambda's message for a timed-out invocation; the environment is reset.
        errorType: "Sandbox.Timedout",
        errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
      });
      this.port.postMessage({ requestId, deadlineMs: Date.now() + timeoutMs, payload });
      // Thaw the environment (see executionEnvironment.mjs).
      Atomics.store(this.wake, 0, 1);
      Atomics.notify(this.wake, 0);
      const message = await answer;
      if (message.kind === "result") return message.payload;
      if (message.kind === "error") throw new FunctionError(this.spec.functionName, message.error);
      throw new Error(`unexpected ${message.kind} from ${this.spec.functionName}`);
    } finally {
      this.busy = false;
      this.lastUsedAt = Date.now();
    }
  }

  /** Waits for the environment's next message, or ends the environment with `onTimeout` after `timeoutMs`. */
  private next(timeoutMs: number, onTimeout: RuntimeError): Promise<FromEnvironment> {
    if (this.dead) return Promise.reject(new FunctionError(this.spec.functionName, this.dead));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.die(onTimeout);
        void this.kill();
      }, timeoutMs);
      this.onDeath = (error) => {
        clearTimeout(timer);
        reject(new FunctionError(this.spec.functionName, error));
      };
      this.pending = (message) => {
        clearTimeout(timer);
        this.onDeath = undefined;
        resolve(message);
      };
    });
  }

  private onDeath: ((error: RuntimeError) => void) | undefined;

  private die(error: RuntimeError): void {
    if (this.dead) return;
    this.dead = error;
    this.pending = undefined;
    const onDeath = this.onDeath;
    this.onDeath = undefined;
    onDeath?.(error);
  }

  /** Ends the environment now (recycling, timeout, shutdown): its module state is gone. */
  kill(): Promise<void> {
    this.die({ errorType: "Runtime.Shutdown", errorMessage: "the execution environment was shut down" });
    this.port.close();
    return this.worker.terminate().then(() => undefined);
  }
}
