import { TranscribeClient } from "@aws-sdk/client-transcribe";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { type ConfigDocument, languageInfo } from "@babelcast/protocol";
import { consoleAwsCredentials } from "../auth/awsCredentials.js";
import type { CommittedSegment, SegmentClock } from "../recognition/committedSegment.js";
import { startConsoleRecognition } from "../recognition/consoleRecognition.js";
import { ensureGlossaryVocabulary } from "../recognition/glossaryVocabulary.js";

export interface RecognizerHandle {
  stop(): Promise<void>;
}

export interface RecognizerOptions {
  /** The capture graph's recognition tap (picked channel, mono, silenced on pause and mute). */
  readonly stream: MediaStream;
  readonly config: ConfigDocument;
  readonly sourceLanguage: string;
  /** Embedded mode: the owner token traded for credentials; cloud: identity pool credentials. */
  readonly ownerToken?: string;
  readonly credentials?: AwsCredentialIdentityProvider;
  /** The session id and its glossary's source terms: they bias recognition as a custom vocabulary. */
  readonly sessionId: string;
  readonly glossaryTerms: readonly string[];
  /** Numbering continues the session's; audio time 0 is when recognition was asked to start. */
  readonly clock: SegmentClock;
  onSegment(segment: CommittedSegment): void;
  onCaption(text: string): void;
  onState(state: string): void;
  /** Something the presenter should know that does not stop recognition. */
  onWarning(text: string): void;
}

/** How long recognition waits for the glossary vocabulary before starting without it. */
const VOCABULARY_WAIT_MS = 8000;

/**
 * The glossary as a custom vocabulary: ready at once on the embedded recognizer; on AWS it
 * takes minutes the first time, so recognition starts without it rather than wait.
 */
async function glossaryVocabulary(o: RecognizerOptions, languageCode: string): Promise<string | undefined> {
  if (o.glossaryTerms.length === 0) return undefined;
  const name = `babelcast-${o.sessionId}`;
  const client = new TranscribeClient({
    region: o.config.region,
    ...(o.config.endpoints?.transcribe ? { endpoint: o.config.endpoints.transcribe } : {}),
    credentials: consoleAwsCredentials(o.config, {
      ...(o.credentials ? { credentials: o.credentials } : {}),
      ...(o.ownerToken ? { ownerToken: o.ownerToken } : {}),
    }),
  });
  try {
    await ensureGlossaryVocabulary(client, name, o.glossaryTerms, {
      languageCode,
      pollMs: 1000,
      timeoutMs: VOCABULARY_WAIT_MS,
    });
    return name;
  } catch (err) {
    o.onWarning(`Recognition started without the glossary: ${(err as Error).message}`);
    return undefined;
  } finally {
    client.destroy();
  }
}

/**
 * Wires the recognizer (recognition/: capture → 16 kHz PCM → Transcribe streaming with
 * renewal → segmenter) to the console's capture tap: committed segments and the live caption out.
 */
export async function startRecognizer(o: RecognizerOptions): Promise<RecognizerHandle> {
  const languageCode = languageInfo(o.sourceLanguage)?.transcribe;
  if (!languageCode)
    throw new Error(`speech recognition does not support ${o.sourceLanguage}: pick another source language`);
  const vocabularyName = await glossaryVocabulary(o, languageCode);
  const recognition = await startConsoleRecognition(o.stream, {
    config: o.config,
    languageCode,
    clock: o.clock,
    ...(vocabularyName ? { vocabularyName } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.ownerToken ? { ownerToken: o.ownerToken } : {}),
    onSegment: (segment) => o.onSegment(segment),
    onCaption: (text) => o.onCaption(text),
    onEvent: (event) => {
      if (event.kind === "stream-started") o.onState("listening");
      else if (event.kind === "stream-failed") o.onState(`reconnecting (${event.message})`);
    },
  });
  return { stop: () => recognition.stop() };
}
