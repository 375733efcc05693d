import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { PATHS } from "@babelcast/protocol";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { callersFor } from "../auth/callerDirectory.js";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { FaultSettings, FaultSwitch } from "../faults.js";
import { AwsServiceError, REST_JSON, refuseAwsUpgrade } from "../http/awsResponses.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { decodeUplink, encodeException, encodeTranscriptEvent } from "./eventStreamFrames.js";
import { RecognizerPool, type VocabularyWord } from "./pocketsphinxRecognizer.js";
import { applyResultFilter, type ResultFilter, resultFilter } from "./resultFilter.js";
import { ResultStabilizer } from "./resultStabilizer.js";
import { parseStreamParams, type StreamParams } from "./streamParams.js";
import { streamTrace } from "./streamTrace.js";
import { handleVocabularyRequest } from "./vocabularyApi.js";
import { vocabulariesFor, vocabularyFiltersFor } from "./vocabularyStore.js";

/**
 * The embedded Transcribe streaming endpoint: the WebSocket flavour the SDK's browser build
 * speaks (`/stream-transcription-websocket`, presigned URL, event-stream frames), backed by
 * one long-lived pocketsphinx decoder per stream.
 */

export const STREAM_PATH = `${PATHS.transcribe}/stream-transcription-websocket`;

export const TranscribeSettings = z.object({
  /** Debian's Python with python3-pocketsphinx (not a virtualenv's). */
  python: z.string().min(1).default("/usr/bin/python3"),
  /** Milliseconds of audio between partial results while speech goes on. */
  partialMs: z.number().int().min(50).max(2000).default(100),
  /** Silence that ends an utterance (pocketsphinx's voice activity detector; its own default is 500). */
  endOfSpeechMs: z.number().int().min(100).max(2000).default(300),
  /** Concurrent streams (each holds one decoder, about a third of a core at real time). */
  maxStreams: z.number().int().min(1).max(64).default(4),
  /**
   * Keep recognizers loaded ahead of the next streams (from the server's start): a stream then
   * starts decoding at once instead of queueing its first seconds while the models load (several
   * seconds on a busy machine). Two are kept, so that none loads as a talk goes live
   * (RecognizerPool); costs two idle workers' memory, about 210 MB each.
   */
  spareRecognizer: z.boolean().default(true),
  /** Whether the data dir's long-term key may sign streams too (default: only owner temporary credentials). */
  acceptLongTermCredentials: z.boolean().default(false),
  /** `dropRate` drops a share of upgrades; `errorRate` answers a share with InternalFailureException. */
  faults: FaultSettings,
});
export type TranscribeSettings = z.infer<typeof TranscribeSettings>;

export interface TranscribeService extends EmbeddedService {
  readonly faults: FaultSwitch;
  openStreams(): number;
  /** Resolves once the recognizers kept for the next streams are loaded (at once without `spareRecognizer`). */
  recognizerReady(): Promise<void>;
}

export function createTranscribeService(ctx: EmbeddedContext): TranscribeService {
  const settings = settingsSection(ctx.settings, "transcribe", TranscribeSettings);
  const faults = new FaultSwitch(settings.faults);
  const vocabularies = vocabulariesFor(ctx);
  const filters = vocabularyFiltersFor(ctx);
  const callers = callersFor(ctx);
  const verifier = new SigV4Verifier({
    credentials: ctx.credentials,
    acceptStaticCredentials: settings.acceptLongTermCredentials,
    resolveCredentials: (id) => callers.resolve(id),
    region: ctx.region,
    service: "transcribe",
  });
  // Vocabulary calls are the backend functions' (and the account's): the console's role may only
  // stream (CONSOLE_ACTIONS in backend/src/permissions/permissionTable.ts), so its calls there
  // are refused with AccessDeniedException, as its role would be refused in the cloud.
  const apiVerifier = new SigV4Verifier({
    credentials: ctx.credentials,
    resolveCredentials: (id) => callers.resolve(id),
    region: ctx.region,
    service: "transcribe",
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  const streams = new Set<WebSocket>();
  const recognizers = new RecognizerPool(
    { python: settings.python, partialMs: settings.partialMs, endOfSpeechMs: settings.endOfSpeechMs },
    settings.spareRecognizer,
  );
  if (settings.spareRecognizer) recognizers.warm();

  // A client may attach its message handler only after its open event has run (the SDK
  // does): frames sent in the upgrade's first moments are held back briefly.
  const held = new WeakMap<WebSocket, Uint8Array[]>();
  function hold(ws: WebSocket): void {
    held.set(ws, []);
    setTimeout(() => {
      const frames = held.get(ws) ?? [];
      held.delete(ws);
      for (const frame of frames) send(ws, frame);
      if (closing.has(ws)) ws.close(1000);
    }, 25);
  }
  const closing = new WeakSet<WebSocket>();
  function send(ws: WebSocket, frame: Uint8Array): void {
    const queue = held.get(ws);
    if (queue) queue.push(frame);
    else if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
  }
  function failStream(ws: WebSocket, type: Parameters<typeof encodeException>[0], message: string): void {
    send(ws, encodeException(type, message));
    if (held.has(ws)) closing.add(ws);
    else ws.close(1000);
  }

  function vocabularyWords(params: StreamParams): VocabularyWord[] | string {
    const words: VocabularyWord[] = [];
    for (const name of params.vocabularyNames) {
      const vocabulary = vocabularies.get(name);
      if (!vocabulary) {
        return `The requested vocabulary couldn't be found: ${name}. Create it first (CreateVocabulary), then start the stream.`;
      }
      words.push(...vocabulary.words);
    }
    return words;
  }

  /** The stream's vocabulary filter, read once at its start as on AWS. */
  function streamFilter(params: StreamParams): ResultFilter | undefined | string {
    if (!params.vocabularyFilter) return undefined;
    const stored = filters.get(params.vocabularyFilter.name);
    if (!stored) {
      return `The requested vocabulary filter couldn't be found: ${params.vocabularyFilter.name}. Create it first (CreateVocabularyFilter), then start the stream.`;
    }
    if (stored.languageCode !== params.languageCode) {
      return `The vocabulary filter ${stored.name} is for ${stored.languageCode}, the stream is ${params.languageCode}: use a filter of the stream's language.`;
    }
    return resultFilter(
      stored.words.map((w) => w.word),
      params.vocabularyFilter.method,
    );
  }

  function runStream(ws: WebSocket, query: URLSearchParams): void {
    const parsed = parseStreamParams(query);
    if (!parsed.ok) {
      failStream(ws, "BadRequestException", parsed.message);
      return;
    }
    if (streams.size >= settings.maxStreams) {
      failStream(
        ws,
        "LimitExceededException",
        `Too many concurrent streams on the embedded recognizer (limit ${settings.maxStreams}): end another stream or raise transcribe.maxStreams.`,
      );
      return;
    }
    const words = vocabularyWords(parsed.params);
    if (typeof words === "string") {
      failStream(ws, "BadRequestException", words);
      return;
    }
    const filter = streamFilter(parsed.params);
    if (typeof filter === "string") {
      failStream(ws, "BadRequestException", filter);
      return;
    }

    streams.add(ws);
    const stabilizer = new ResultStabilizer({
      stabilization: parsed.params.stabilization,
      stability: parsed.params.stability,
      newResultId: randomUUID,
    });
    const trace = streamTrace(process.env.BABELCAST_TRANSCRIBE_TRACE, randomUUID());
    const recognizer = recognizers.start({
      onHypothesis(hyp) {
        const result = stabilizer.accept(hyp);
        const items = result?.Alternatives[0]?.Items.filter((i) => i.Type === "pronunciation") ?? [];
        trace?.hypothesis(hyp.position, hyp.final, items.filter((i) => i.Stable).length, items.length);
        if (result) send(ws, encodeTranscriptEvent([filter ? applyResultFilter(result, filter) : result]));
      },
      onError(message) {
        ctx.log.error("transcribe recognizer failed", { message });
        failStream(ws, "InternalFailureException", `The embedded recognizer failed: ${message}`);
      },
      onPace(pace) {
        // Behind real time means a starved CPU: worth knowing when captions run late.
        ctx.log.info("transcribe recognizer pace", { mode: pace.mode, behindSeconds: pace.behindSeconds });
      },
    });
    recognizer.addVocabulary(words);
    // The browser SDK's send() resolves on the first server message: answer at once.
    send(ws, encodeTranscriptEvent([]));

    let ended = false;
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (ended) return;
      if (!isBinary) return failStream(ws, "BadRequestException", "Send audio as binary event-stream frames.");
      let frame: ReturnType<typeof decodeUplink>;
      try {
        frame = decodeUplink(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (err) {
        return failStream(
          ws,
          "BadRequestException",
          `Could not decode an event-stream frame: ${(err as Error).message}`,
        );
      }
      if (frame.kind === "audio") {
        trace?.audio(frame.pcm.byteLength);
        recognizer.write(frame.pcm);
      } else if (frame.kind === "end") {
        ended = true;
        void recognizer.finish().then(() => ws.close(1000));
      }
    });
    ws.on("close", () => {
      streams.delete(ws);
      recognizer.close();
    });
    ws.on("error", () => ws.terminate());
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: string, rawQuery: string) {
    const verdict = await verifier.verifyPresigned({
      method: req.method ?? "GET",
      path,
      rawQuery,
      headers: req.headers,
    });
    if (!verdict.ok) {
      return refuseAwsUpgrade(socket, new AwsServiceError(verdict.code, verdict.status, verdict.message), REST_JSON);
    }
    // Streaming has no resource-level permission.
    const decision = callers.authorize(verdict.accessKeyId, "transcribe:StartStreamTranscriptionWebSocket", undefined);
    if (!decision.allowed) {
      return refuseAwsUpgrade(socket, new AwsServiceError("AccessDeniedException", 403, decision.message), REST_JSON);
    }
    await faults.delay();
    const fault = faults.decide();
    if (fault === "drop") return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      hold(ws);
      if (fault === "throttle")
        return failStream(ws, "LimitExceededException", "Injected fault: too many requests, retry shortly.");
      if (fault === "error") return failStream(ws, "InternalFailureException", "Injected fault: internal failure.");
      runStream(ws, new URLSearchParams(rawQuery));
    });
  }

  return {
    name: "transcribe",
    faults,
    openStreams: () => streams.size,
    handleRequest(req, res) {
      return handleVocabularyRequest(req, res, {
        vocabularies,
        filters,
        verifier: apiVerifier,
        callers,
        faults,
        log: ctx.log,
      });
    },
    handleUpgrade(req, socket, head) {
      const { path, rawQuery } = splitRequestTarget(req.url);
      if (path !== STREAM_PATH) return false;
      upgrade(req, socket, head, path, rawQuery).catch((err: unknown) => {
        ctx.log.error("transcribe upgrade failed", { error: String(err) });
        const failure = new AwsServiceError(
          "InternalFailureException",
          500,
          "The embedded Transcribe failed on this connection.",
        );
        refuseAwsUpgrade(socket, failure, REST_JSON);
      });
      return true;
    },
    recognizerReady: () => recognizers.ready(),
    async close() {
      for (const ws of streams) ws.terminate();
      streams.clear();
      recognizers.close();
      wss.close();
    },
  };
}
