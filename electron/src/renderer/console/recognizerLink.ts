import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import {
  type ConfigDocument,
  languageInfo,
  type SessionVocabulary,
  type SessionVocabularyFilter,
} from "@babelcast/protocol";
import type { CommittedSegment, SegmentClock } from "../recognition/committedSegment.js";
import { startConsoleRecognition } from "../recognition/consoleRecognition.js";
import { identificationPlan, productLanguageOf } from "../recognition/languageIdentification.js";

export interface RecognizerHandle {
  stop(): Promise<void>;
}

export interface RecognizerOptions {
  /** The capture graph's recognition tap (picked channel, mono, silenced on pause and mute). */
  readonly stream: MediaStream;
  readonly config: ConfigDocument;
  readonly sourceLanguage: string;
  /** Cloud: Transcribe identifies the language among the source and these targets (at most five in all). */
  readonly identifyAmong?: readonly string[];
  /** Embedded mode: the owner token traded for credentials; cloud: identity pool credentials. */
  readonly ownerToken?: string;
  readonly credentials?: AwsCredentialIdentityProvider;
  /** Whether the session has a glossary, and the custom vocabulary the backend built from it. */
  readonly hasGlossary: boolean;
  readonly vocabulary?: SessionVocabulary;
  /** The word filter's vocabulary filter, which the backend keeps for the session (usable at once). */
  readonly vocabularyFilter?: SessionVocabularyFilter;
  /** Numbering continues the session's; audio time 0 is when recognition was asked to start. */
  readonly clock: SegmentClock;
  onSegment(segment: CommittedSegment): void;
  onCaption(text: string): void;
  onState(state: string): void;
  /** Something the presenter should know that does not stop recognition. */
  onWarning(text: string): void;
  /** Identification heard another language of the session (product code): the source follows it. */
  onLanguageIdentified?(language: string): void;
  /** The recognizer refused the stream's request (a BadRequestException): retrying cannot help. */
  onRefused?(message: string): void;
}

/**
 * The glossary's custom vocabulary, which the backend keeps for the session: named only once
 * READY (building one takes minutes on AWS), otherwise recognition starts without it and says why.
 */
function glossaryVocabulary(o: RecognizerOptions): string | undefined {
  if (!o.hasGlossary) return undefined;
  const v = o.vocabulary;
  if (v?.state === "READY") return v.name;
  const why =
    v?.state === "PENDING"
      ? "Transcribe is still building it (minutes the first time): restart recognition in a few minutes"
      : v?.state === "FAILED"
        ? `Transcribe could not build it (${v.failureReason ?? "no reason given"}): change the glossary`
        : "it holds no term recognition in this language can use";
  o.onWarning(`Recognition started without the glossary: ${why}`);
  return undefined;
}

/**
 * Wires the recognizer (recognition/: capture → 16 kHz PCM → Transcribe streaming with
 * renewal → segmenter) to the console's capture tap: committed segments and the live caption out.
 */
export async function startRecognizer(o: RecognizerOptions): Promise<RecognizerHandle> {
  const languageCode = languageInfo(o.sourceLanguage)?.transcribe;
  if (!languageCode)
    throw new Error(`speech recognition does not support ${o.sourceLanguage}: pick another source language`);
  const plan = o.identifyAmong ? identificationPlan(o.sourceLanguage, o.identifyAmong) : undefined;
  if (plan && !plan.ok) throw new Error(plan.message);
  const vocabularyName = plan ? undefined : glossaryVocabulary(o);
  // Each segment says the language it was heard in: the one in flight across a switch keeps its own.
  let spoken = o.sourceLanguage;
  let refused = false;
  const recognition = await startConsoleRecognition(o.stream, {
    config: o.config,
    languageCode,
    ...(plan?.ok ? { identify: plan.identify } : {}),
    clock: o.clock,
    ...(vocabularyName ? { vocabularyName } : {}),
    ...(o.vocabularyFilter ? { vocabularyFilter: o.vocabularyFilter } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.ownerToken ? { ownerToken: o.ownerToken } : {}),
    onSegment: (segment) => o.onSegment({ ...segment, sourceLanguage: spoken }),
    onCaption: (text) => o.onCaption(text),
    onLanguageIdentified: (code) => {
      const language = productLanguageOf(code);
      if (!language || language === spoken) return;
      spoken = language;
      o.onLanguageIdentified?.(language);
    },
    onEvent: (event) => {
      if (event.kind === "stream-started") o.onState("listening");
      else if (event.kind === "stream-failed") {
        o.onState(`reconnecting (${event.message})`);
        if (event.message.startsWith("BadRequestException") && !refused) {
          refused = true;
          o.onRefused?.(event.message.replace(/^BadRequestException: /, ""));
        }
      }
    },
  });
  return { stop: () => recognition.stop() };
}
