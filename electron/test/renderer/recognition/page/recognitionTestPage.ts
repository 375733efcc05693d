import { ConfigDocument, type RecognizedSegment } from "@babelcast/protocol";
import { startConsoleRecognition } from "../../../../src/renderer/recognition/consoleRecognition.js";
import type { RecognitionEvent } from "../../../../src/renderer/recognition/recognitionSession.js";
import type { TimedResult } from "../../../../src/renderer/recognition/timedResult.js";

/**
 * Browser entry of the recognition test page (bundled with esbuild): the console's
 * recognition module, fed by the microphone (Chromium's fake device playing a LibriVox
 * talk), recording what it produces for the test to read.
 */

export interface PageRecord {
  started: boolean;
  error?: string;
  deviceRate?: number;
  startedAtMs?: number;
  /** Wall-clock ms at which session audio time 0 was captured (best estimate). */
  audioClockOffsetMs: number;
  segments: { segment: RecognizedSegment; committedAtMs: number }[];
  captions: string[];
  results: (TimedResult & { atMs: number })[];
  events: (RecognitionEvent & { atMs: number })[];
  audioSeconds: () => number;
  /** Replaces the Transcribe stream now, as a renewal does. */
  renew: () => void;
  stop: () => Promise<void>;
}

declare global {
  interface Window {
    recognition: PageRecord;
  }
}

const record: PageRecord = {
  started: false,
  audioClockOffsetMs: Number.POSITIVE_INFINITY,
  segments: [],
  captions: [],
  results: [],
  events: [],
  audioSeconds: () => 0,
  renew: () => {},
  stop: async () => {},
};
window.recognition = record;

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const server = params.get("server") ?? "";
  const config = ConfigDocument.parse(await (await fetch(`${server}/config.json`)).json());
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const renewAfter = Number(params.get("renewAfterSeconds") ?? "0");
  const ownerToken = params.get("token") ?? "";
  // The session's glossary vocabulary, which the backend built (the console may only stream).
  const vocabularyName = params.get("vocabulary") ?? "";
  const recognition = await startConsoleRecognition(media, {
    config,
    ownerToken,
    languageCode: "en-US",
    ...(vocabularyName ? { vocabularyName } : {}),
    session: renewAfter > 0 ? { renewAfterSeconds: renewAfter, pauseWaitSeconds: 30 } : {},
    onSegment: (segment) => record.segments.push({ segment, committedAtMs: segment.committedAt }),
    onCaption: (text) => record.captions.push(text),
    onResult: (result) => record.results.push({ ...result, atMs: Date.now() }),
    onEvent: (event) => record.events.push({ ...event, atMs: Date.now() }),
  });
  record.startedAtMs = Date.now();
  record.deviceRate = recognition.deviceRate;
  record.audioSeconds = () => recognition.session.seconds;
  // Audio reaches the session in chunks: the smallest lag seen is the capture clock's offset.
  setInterval(() => {
    const offset = Date.now() - recognition.session.seconds * 1000;
    if (recognition.session.seconds > 0 && offset < record.audioClockOffsetMs) record.audioClockOffsetMs = offset;
  }, 10);
  record.renew = () => recognition.session.renew("forced");
  record.stop = () => recognition.stop();
  record.started = true;
}

main().catch((err: unknown) => {
  record.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
});
