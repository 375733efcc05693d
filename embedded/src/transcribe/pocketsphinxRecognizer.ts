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

function frame(kind: "A" | "V" | "E", payload: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.write(kind, 0, "latin1");
  head.writeUInt32LE(payload.byteLength, 1);
  return Buffer.concat([head, payload]);
}

/** Starts the long-lived pocketsphinx worker for one stream (see recognizerWorker.py). */
export function startPocketsphinx(options: PocketsphinxOptions, events: RecognizerEvents): StreamRecognizer {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(options.python, [WORKER], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      BABELCAST_PS_PARTIAL_MS: String(options.partialMs),
      ...(options.endOfSpeechMs === undefined ? {} : { BABELCAST_PS_END_OF_SPEECH_MS: String(options.endOfSpeechMs) }),
    },
  });
  let closed = false;
  let stderr = "";
  const flushWaiters: (() => void)[] = [];
  child.stderr.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  child.stdin.on("error", () => {});
  child.on("error", (err) => {
    if (!closed) events.onError(`cannot start the recognizer (${options.python}): ${err.message}`);
  });
  child.on("exit", (code, signal) => {
    for (const w of flushWaiters.splice(0)) w();
    if (!closed)
      events.onError(`the recognizer stopped (${signal ?? code}): ${stderr.trim().split("\n").at(-1) ?? ""}`);
    closed = true;
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
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
  });
  const send = (buf: Buffer) => {
    if (!closed && child.stdin.writable) child.stdin.write(buf);
  };
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
