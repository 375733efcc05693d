import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { type ConfigDocument, languageInfo, type RecognizedSegment } from "@babelcast/protocol";
import { startConsoleRecognition } from "../recognition/consoleRecognition.js";

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
  onSegment(segment: RecognizedSegment): void;
  onCaption(text: string): void;
  onState(state: string): void;
}

/**
 * Wires the recognizer (recognition/: capture → 16 kHz PCM → Transcribe streaming with
 * renewal → segmenter) to the console's capture tap: committed segments and the live caption out.
 */
export async function startRecognizer(o: RecognizerOptions): Promise<RecognizerHandle> {
  const languageCode = languageInfo(o.sourceLanguage)?.transcribe;
  if (!languageCode)
    throw new Error(`speech recognition does not support ${o.sourceLanguage}: pick another source language`);
  const recognition = await startConsoleRecognition(o.stream, {
    config: o.config,
    languageCode,
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
