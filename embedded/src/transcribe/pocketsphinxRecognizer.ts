import { type ChildProcessByStdio, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Hypothesis } from "./resultStabilizer.js";

/** A glossary word for the recognizer; `soundsLike` as in Transcribe's vocabulary tables ("ba-bel-cast"). */
export interface VocabularyWord {
  readonly word: string;
  readonly soundsLike?: string;
}

/** One stream's recognizer: audio in, hypotheses out, for as long as the stream lasts. */
export interface StreamRecognizer {
  /** The worker's process id (to measure its CPU time). */
  readonly pid: number | undefined;
  /** 16-bit little-endian 16 kHz mono PCM. */
  write(pcm: Uint8Array): void;
  /** Adds glossary words; call before the first audio. */
  addVocabulary(words: readonly VocabularyWord[]): void;
  /** Ends the audio: resolves once the last final has been reported. */
  finish(): Promise<void>;
  /** Stops at once; no more hypotheses. */
  close(): void;
}

/** The worker's search: the full one, or the lighter one while it catches up with real time. */
export type RecognizerPace = { readonly mode: "normal" | "catch-up"; readonly behindSeconds: number };

export interface RecognizerEvents {
  onHypothesis(hyp: Hypothesis): void;
  onError(message: string): void;
  /** The worker changed its search because it fell behind real time, or caught up. */
  onPace?(pace: RecognizerPace): void;
}

export interface PocketsphinxOptions {
  /** Debian's Python, which has python3-pocketsphinx. */
  readonly python: string;
  /** Milliseconds of audio between partial hypotheses. */
  readonly partialMs: number;
  /** Silence that ends an utterance; the worker's default (300) when absent. */
  readonly endOfSpeechMs?: number;
}

const WORKER = new URL("./recognizerWorker.py", import.meta.url).pathname;

interface WorkerLine {
  type: "ready" | "hyp" | "vocab" | "flushed" | "pace";
  mode?: "normal" | "catch-up";
  behind_s?: number;
  final?: boolean;
  utt?: number;
  t?: number;
  words?: { w: string; s: number; e: number }[];
}

function frame(kind: "A" | "V" | "E" | "S", payload: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.write(kind, 0, "latin1");
  head.writeUInt32LE(payload.byteLength, 1);
  return Buffer.concat([head, payload]);
}

/** Workers kept loaded ahead of streams, and how long after a stream takes one it is replaced (see RecognizerPool). */
const SPARES = 2;
export const SPARE_REFILL_DELAY_MS = 15_000;

type WorkerChild = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * A worker process started ahead of its stream: what it says before a stream takes it (its
 * ready line) is kept and replayed, so a worker that loaded its models while no stream waited
 * behaves as one started with the stream.
 */
export interface SpawnedWorker {
  readonly child: WorkerChild;
  /** Whether it can still serve a stream (not exited, not already taken). */
  usable(): boolean;
  /** Resolves once its models are loaded (rejects if it exits first). */
  ready(): Promise<void>;
  /** Hands its lines, exit and start error to `on`; only once. */
  take(on: {
    line(l: string): void;
    exit(code: number | null, signal: string | null, stderr: string): void;
    error(err: Error): void;
  }): void;
}

export function spawnWorker(options: PocketsphinxOptions): SpawnedWorker {
  const child: WorkerChild = spawn(options.python, [WORKER], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      BABELCAST_PS_PARTIAL_MS: String(options.partialMs),
      ...(options.endOfSpeechMs === undefined ? {} : { BABELCAST_PS_END_OF_SPEECH_MS: String(options.endOfSpeechMs) }),
    },
  });
  let stderr = "";
  let exited: { code: number | null; signal: string | null } | undefined;
  let failed: Error | undefined;
  const early: string[] = [];
  let on: Parameters<SpawnedWorker["take"]>[0] | undefined;
  let markReady = () => {};
  let markGone = (_: Error) => {};
  const loaded = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markGone = reject;
  });
  // Nobody may ever wait for it.
  loaded.catch(() => {});
  child.stderr.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  child.stdin.on("error", () => {});
  child.on("error", (err) => {
    failed = err;
    markGone(err);
    on?.error(err);
  });
  child.on("exit", (code, signal) => {
    exited = { code, signal };
    markGone(new Error(`the recognizer exited (${signal ?? code}) before it was ready`));
    on?.exit(code, signal, stderr);
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith('{"type":"ready"')) markReady();
    if (on) on.line(line);
    else early.push(line);
  });
  return {
    child,
    usable: () => !on && !exited && !failed,
    ready: () => loaded,
    take(handlers) {
      if (on) throw new Error("this recognizer worker already serves a stream");
      on = handlers;
      for (const line of early.splice(0)) handlers.line(line);
      if (failed) handlers.error(failed);
      if (exited) handlers.exit(exited.code, exited.signal, stderr);
    },
  };
}

/**
 * Keeps workers loaded ahead of the next streams. Loading the models takes a worker about a second
 * of CPU on an idle machine (1.2 s of one core here) and several seconds on a starved one (6-7 s
 * measured at load 20 on 2 cores); audio queues meanwhile, and the stream's first captions come
 * that much late. A spare that loaded before its stream opened skips that wait.
 *
 * Two spares, and the one a stream takes is replaced `refillDelayMs` later, not at once: a stream
 * opens as a talk goes live, the machine's busiest moment (the console's capture and WebRTC, the
 * listeners joining, the engines' first requests), and a spare loading then took its second of CPU
 * from the stream that had just started, whose first utterance was decoded 4.2 s behind the speaker
 * (1.4 s with the load moved out of that moment; docs/performance.md). The second spare serves a
 * stream that opens meanwhile (a quick reconnection); when a stream takes the last one, the next
 * loads at once, as that stream's own worker would have had to. Costs a second idle worker's memory
 * (about 210 MB resident).
 */
export class RecognizerPool {
  private spares: SpawnedWorker[] = [];
  private refillTimer?: ReturnType<typeof setTimeout>;
  /** Settles once the spares being loaded one after another are all loaded. */
  private filling: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: PocketsphinxOptions,
    /** Off: every stream starts its own worker (and waits for its models). */
    private readonly keepSpare = true,
    private readonly refillDelayMs = SPARE_REFILL_DELAY_MS,
  ) {}

  /**
   * Loads the missing spares now (call when streams are expected, e.g. as the server starts), one at a
   * time: the next starts once the one before has loaded, so that the first is ready as soon as it can be
   * (two loading at once on 2 cores, beside a browser starting, would share the CPU and both come late).
   */
  warm(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    this.spares = this.spares.filter((w) => w.usable());
    if (this.spares.length >= SPARES) return;
    const loading = spawnWorker(this.options);
    this.spares.push(loading);
    this.filling = loading.ready().then(
      () => {
        // Not when the pool was closed, or once a stream has taken a spare: the refill timer calls again.
        if (!this.spares.includes(loading) || this.refillTimer !== undefined || this.spares.length >= SPARES) return;
        this.warm();
        return this.filling;
      },
      () => {},
    );
  }

  /** Resolves once every spare has loaded its models (or one exited before it could). */
  async ready(): Promise<void> {
    await this.filling;
    await Promise.all(this.spares.map((w) => w.ready().catch(() => {})));
  }

  /** A recognizer for a new stream: a spare if one is alive, else a fresh worker; then the spares are refilled. */
  start(events: RecognizerEvents): StreamRecognizer {
    this.spares = this.spares.filter((w) => w.usable());
    const worker = this.spares.shift() ?? spawnWorker(this.options);
    const recognizer = startPocketsphinx(this.options, events, worker);
    if (this.keepSpare) {
      // The last spare taken: the next stream would otherwise load its own, so one loads now.
      if (this.spares.length === 0) this.spares.push(spawnWorker(this.options));
      if (this.refillTimer === undefined) {
        this.refillTimer = setTimeout(() => this.warm(), this.refillDelayMs);
        // A server stopping does not wait for a spare nobody asked for yet.
        this.refillTimer.unref();
      }
    }
    return recognizer;
  }

  /** The spares alive (loading or loaded), the one the next stream takes first. */
  get spareWorkers(): readonly SpawnedWorker[] {
    return this.spares.filter((w) => w.usable());
  }

  /** The spare the next stream takes, if any. */
  get nextWorker(): SpawnedWorker | undefined {
    return this.spareWorkers[0];
  }

  /** Stops the spares (streams in progress keep their workers until they end). */
  close(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    for (const w of this.spares) if (w.usable()) w.child.kill("SIGTERM");
    this.spares = [];
  }
}

/** Starts the long-lived pocketsphinx worker for one stream (see recognizerWorker.py), or binds one started ahead. */
export function startPocketsphinx(
  options: PocketsphinxOptions,
  events: RecognizerEvents,
  worker: SpawnedWorker = spawnWorker(options),
): StreamRecognizer {
  const child = worker.child;
  let closed = false;
  const flushWaiters: (() => void)[] = [];
  const onLine = (line: string) => {
    let msg: WorkerLine;
    try {
      msg = JSON.parse(line) as WorkerLine;
    } catch {
      return;
    }
    if (msg.type === "hyp" && !closed) {
      events.onHypothesis({
        final: msg.final === true,
        utterance: msg.utt ?? 0,
        ...(msg.t === undefined ? {} : { position: msg.t }),
        words: (msg.words ?? []).map((w) => ({ word: w.w, start: w.s, end: w.e })),
      });
    } else if (msg.type === "pace" && !closed && msg.mode) {
      events.onPace?.({ mode: msg.mode, behindSeconds: msg.behind_s ?? 0 });
    } else if (msg.type === "flushed") {
      flushWaiters.shift()?.();
    }
  };
  worker.take({
    line: onLine,
    error: (err) => {
      if (!closed) events.onError(`cannot start the recognizer (${options.python}): ${err.message}`);
    },
    exit: (code, signal, stderr) => {
      for (const w of flushWaiters.splice(0)) w();
      if (!closed)
        events.onError(`the recognizer stopped (${signal ?? code}): ${stderr.trim().split("\n").at(-1) ?? ""}`);
      closed = true;
    },
  });
  const send = (buf: Buffer) => {
    if (!closed && child.stdin.writable) child.stdin.write(buf);
  };
  // The stream's second 0 is now (for a worker loaded ahead, not when it was started).
  send(frame("S", Buffer.from(JSON.stringify({ startedAt: Date.now() }))));
  return {
    pid: child.pid,
    write: (pcm) => send(frame("A", pcm)),
    addVocabulary: (words) => {
      if (words.length > 0) send(frame("V", Buffer.from(JSON.stringify(words))));
    },
    finish: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        flushWaiters.push(resolve);
        send(frame("E", new Uint8Array(0)));
      }),
    close: () => {
      if (closed) return;
      closed = true;
      for (const w of flushWaiters.splice(0)) w();
      child.stdin.end();
      child.kill("SIGTERM");
    },
  };
}
