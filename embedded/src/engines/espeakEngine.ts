import { Worker } from "node:worker_threads";

/**
 * eSpeak NG, long-lived, off the main thread: one worker thread holding the WASM synthesizer
 * (see espeakWorker.mjs). Requests queue in the worker's message port and run one at a
 * time; a crashed or stuck worker is replaced and what it held fails.
 *
 * Measured (2-core machine, Spanish, ≈ 4 s of speech): ≈ 80–130 ms per request warm,
 * ≈ 0.7 s to load the module once; the CLI costs about the same per request but starts a
 * process each time, and the WASM path needs nothing but npm.
 */

/** eSpeak NG's normal speed in words per minute; a rate multiple scales it. */
export const ESPEAK_DEFAULT_WPM = 175;
/** eSpeak NG accepts 80…450 words per minute. */
export const ESPEAK_MIN_WPM = 80;
export const ESPEAK_MAX_WPM = 450;

export interface SpeechPcm {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

export interface EspeakVoiceInfo {
  readonly identifier: string;
  readonly name: string;
  readonly languages: readonly string[];
}

export class EspeakError extends Error {
  override readonly name = "EspeakError";
}

interface Pending {
  readonly resolve: (pcm: SpeechPcm) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

type WorkerMessage =
  | { ready: true; sampleRate: number; voices: EspeakVoiceInfo[] }
  | { id: number; samples: Int16Array; sampleRate: number }
  | { id: number; error: string };

export function wordsPerMinute(rate: number): number {
  return Math.round(Math.max(ESPEAK_MIN_WPM, Math.min(ESPEAK_MAX_WPM, ESPEAK_DEFAULT_WPM * rate)));
}

export class EspeakEngine {
  private worker: Worker | undefined;
  private ready: Promise<EspeakVoiceInfo[]> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: { timeoutMs?: number } = {}) {}

  /** Loads the synthesizer (≈ 0.7 s) and lists its voices. */
  start(): Promise<EspeakVoiceInfo[]> {
    if (this.closed) return Promise.reject(new EspeakError("the eSpeak NG engine is closed"));
    this.ready ??= new Promise<EspeakVoiceInfo[]>((resolve, reject) => {
      const worker = new Worker(new URL("./espeakWorker.mjs", import.meta.url));
      this.worker = worker;
      worker.on("message", (msg: WorkerMessage) => {
        if ("ready" in msg) resolve(msg.voices);
        else this.settle(msg);
      });
      worker.on("error", (err) => {
        reject(err);
        this.reset(new EspeakError(`the eSpeak NG worker failed: ${err.message}`));
      });
      worker.on("exit", (code) => {
        reject(new EspeakError(`the eSpeak NG worker exited (${code})`));
        if (this.worker === worker) this.reset(new EspeakError(`the eSpeak NG worker exited (${code})`));
      });
    });
    return this.ready;
  }

  /** Speaks `text` with the eSpeak voice for a language (e.g. `es`, `pt-br`) at a rate multiple. */
  async synthesize(text: string, voice: string, rate = 1): Promise<SpeechPcm> {
    await this.start();
    const worker = this.worker;
    if (!worker) throw new EspeakError("the eSpeak NG worker is not running");
    const id = this.nextId++;
    return new Promise<SpeechPcm>((resolve, reject) => {
      const timeoutMs = this.options.timeoutMs ?? 15_000;
      const timer = setTimeout(() => {
        this.reset(new EspeakError(`eSpeak NG took over ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, text, voice, wordsPerMinute: wordsPerMinute(rate) });
    });
  }

  /** Requests sent and not yet answered. */
  get pendingCount(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reset(new EspeakError("the eSpeak NG engine was closed"));
  }

  private settle(msg: { id: number; samples: Int16Array; sampleRate: number } | { id: number; error: string }): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if ("error" in msg) p.reject(new EspeakError(msg.error));
    else p.resolve({ samples: msg.samples, sampleRate: msg.sampleRate });
  }

  /** Drops the worker (the next request starts a new one) and fails what it held. */
  private reset(err: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    void worker?.terminate();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}

/**
 * Several engines, one worker thread each, so the languages of one segment synthesize in
 * parallel on a multi-core machine; each request goes to the least busy one.
 */
export class EspeakPool {
  private readonly engines: EspeakEngine[];

  constructor(size: number, options: { timeoutMs?: number } = {}) {
    this.engines = Array.from({ length: Math.max(1, size) }, () => new EspeakEngine(options));
  }

  async start(): Promise<void> {
    await Promise.all(this.engines.map((e) => e.start()));
  }

  /** The voices eSpeak NG really has (every engine loads the same build; the first one answers). */
  async voices(): Promise<EspeakVoiceInfo[]> {
    return (this.engines[0] as EspeakEngine).start();
  }

  synthesize(text: string, voice: string, rate = 1): Promise<SpeechPcm> {
    const idlest = this.engines.reduce((a, b) => (b.pendingCount < a.pendingCount ? b : a));
    return idlest.synthesize(text, voice, rate);
  }

  async close(): Promise<void> {
    await Promise.all(this.engines.map((e) => e.close()));
  }
}
