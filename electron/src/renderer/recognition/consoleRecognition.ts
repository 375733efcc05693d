import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { ConfigDocument } from "@babelcast/protocol";
import { consoleAwsCredentials } from "../auth/awsCredentials.js";
import { startPcmCapture } from "./audioCapture.js";
import { AudioClockAnchor } from "./audioClockAnchor.js";
import type { CommittedSegment, SegmentClock } from "./committedSegment.js";
import { type RecognitionEvent, RecognitionSession, type RecognitionSessionOptions } from "./recognitionSession.js";
import { Segmenter, type SegmenterOptions } from "./segmenter.js";
import type { TimedResult } from "./timedResult.js";
import {
  createTranscribeClient,
  type LanguageIdentification,
  type StreamRequest,
  transcribeStreamStarter,
} from "./transcribeClient.js";

/**
 * The console's speech recognition, wired end to end: capture stream → 16 kHz PCM →
 * Transcribe streaming (renewed as needed) → segmenter → committed segments and the live
 * caption. Runs in the Electron renderer or any browser tab.
 */

export interface ConsoleRecognitionOptions {
  readonly config: ConfigDocument;
  /** Cognito identity pool credentials in the cloud; omitted in embedded mode (owner token instead). */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Embedded mode: the console's owner token, traded for temporary credentials. */
  readonly ownerToken?: string;
  readonly languageCode: string;
  /** Cloud: let Transcribe identify the language among these instead. */
  readonly identify?: LanguageIdentification;
  /** A Transcribe custom vocabulary made from the session glossary. */
  readonly vocabularyName?: string;
  /** The session's word filter (a Transcribe vocabulary filter the backend keeps). */
  readonly vocabularyFilter?: StreamRequest["vocabularyFilter"];
  readonly segmenter?: Partial<SegmenterOptions>;
  /** Numbering and time source of the segments (default: from 0, wall clock, audio start unknown). */
  readonly clock?: SegmentClock;
  readonly session?: Partial<Omit<RecognitionSessionOptions, "start" | "onResult" | "onEvent">>;
  readonly onSegment: (segment: CommittedSegment) => void;
  readonly onCaption?: (text: string) => void;
  readonly onResult?: (result: TimedResult) => void;
  /** The Transcribe language code the stream identified, once per change (identification only). */
  readonly onLanguageIdentified?: (languageCode: string) => void;
  readonly onEvent?: (event: RecognitionEvent) => void;
}

export interface ConsoleRecognition {
  readonly session: RecognitionSession;
  /** Capture device rate (the resampler's input). */
  readonly deviceRate: number;
  stop(): Promise<void>;
}

export async function startConsoleRecognition(
  stream: MediaStream,
  options: ConsoleRecognitionOptions,
): Promise<ConsoleRecognition> {
  const client = createTranscribeClient({
    region: options.config.region,
    endpoint: options.config.endpoints?.transcribe,
    credentials: consoleAwsCredentials(options.config, options),
  });
  // Audio time 0 from the captured samples themselves, once they flow (audioClockAnchor.ts).
  const anchor = new AudioClockAnchor();
  const given = options.clock;
  const clock: SegmentClock | undefined = given && {
    nextSeq: () => given.nextSeq(),
    now: () => given.now(),
    get audioStartedAt() {
      return anchor.startedAt ?? given.audioStartedAt;
    },
  };
  const segmenter = new Segmenter(options.segmenter, clock);
  let identified: string | undefined;
  const emit = (events: ReturnType<Segmenter["accept"]>) => {
    for (const event of events) {
      if (event.kind === "segment") options.onSegment(event.segment);
      else options.onCaption?.(event.text);
    }
  };
  const session = new RecognitionSession({
    ...options.session,
    start: transcribeStreamStarter(client, {
      languageCode: options.languageCode,
      ...(options.identify ? { identify: options.identify } : {}),
      sampleRate: 16000,
      ...(options.vocabularyName ? { vocabularyName: options.vocabularyName } : {}),
      ...(options.vocabularyFilter ? { vocabularyFilter: options.vocabularyFilter } : {}),
    }),
    onResult: (result) => {
      options.onResult?.(result);
      if (result.languageCode && result.languageCode !== identified) {
        identified = result.languageCode;
        options.onLanguageIdentified?.(result.languageCode);
      }
      emit(segmenter.accept(result));
    },
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  session.start();
  const capture = await startPcmCapture(stream, {
    onPcm: (pcm) => {
      session.push(pcm);
      if (given) anchor.observe(given.now(), session.seconds);
    },
  });
  return {
    session,
    deviceRate: capture.deviceRate,
    async stop() {
      await capture.stop();
      await session.stop();
      emit(segmenter.flush());
      client.destroy();
    },
  };
}
