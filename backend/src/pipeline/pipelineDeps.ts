import type {
  CaptionMessage,
  LanguageStages,
  PollyEngine,
  SegmentProgressMessage,
  SourceStages,
  SpeechFormat,
} from "@babelcast/protocol";
import { InOrderRelease } from "../services/pipeline/inOrderRelease.js";
import { DEFAULT_LAG_SETTINGS, LagController, type LagSettings } from "../services/pipeline/lagController.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../services/pipeline/retryPolicy.js";

/** The voice a language speaks with: the session's choice or the language table's. */
export interface VoiceChoice {
  readonly voiceId: string;
  readonly engine: PollyEngine;
}

export interface SynthesizedSpeech {
  readonly audio: Uint8Array;
  readonly format: SpeechFormat;
  readonly sampleRate: number;
}

/** One committed segment, as the pipeline needs it. */
export interface PipelineSegment {
  readonly seq: number;
  readonly text: string;
  readonly sourceLanguage: string;
  /** Languages somebody listens to; the source language gets its caption without translation. */
  readonly languages: readonly string[];
  readonly stages: SourceStages;
}

/** What one language of a segment came to; persisted and reported to the console. */
export interface LanguageOutcome {
  readonly language: string;
  /** Per-language sequence (the caption's `seq`). */
  readonly seq: number;
  readonly text?: string;
  readonly stages: LanguageStages;
  readonly speechMissing: boolean;
  readonly rate?: number;
  readonly error?: string;
}

/** The engines and outlets the orchestrator works through; real ones are SDK adapters, tests pass fakes. */
export interface PipelineEngines {
  translate(text: string, from: string, to: string, terminologyName?: string): Promise<string>;
  synthesize(text: string, language: string, voice: VoiceChoice, rate: number): Promise<SynthesizedSpeech>;
  publishCaption(language: string, caption: CaptionMessage): Promise<unknown>;
  /** A binary speech frame (protocol `speechFrame`) to the session's console. */
  publishSpeech(language: string, frame: Uint8Array): Promise<unknown>;
  publishProgress(progress: SegmentProgressMessage): Promise<unknown>;
  /** Stores one language's result of a segment (called before publishing, and after with deliveredAt). */
  persist(segmentSeq: number, outcome: LanguageOutcome): Promise<void>;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export interface PipelineSettings {
  readonly retry: RetryPolicy;
  readonly lag: LagSettings;
  /** Voice per language; languages without one get captions only. */
  readonly voices: Readonly<Record<string, VoiceChoice>>;
  /** Translate custom terminology holding the session glossary, if any. */
  readonly terminologyName?: string;
}

/** A session's pipeline state: ordering and lag control live across its segments. */
export interface PipelineState {
  readonly settings: PipelineSettings;
  readonly release: InOrderRelease<PendingDelivery>;
  readonly lag: LagController;
  /** Per language, the end of the publishing chain: deliveries go out one after the other. */
  readonly publishing: Map<string, Promise<void>>;
}

/** A language's result waiting for its turn to go out. */
export interface PendingDelivery {
  readonly deliver: () => Promise<void>;
}

export function createPipelineState(
  settings: Partial<PipelineSettings> & Pick<PipelineSettings, "voices">,
): PipelineState {
  const full: PipelineSettings = { retry: DEFAULT_RETRY_POLICY, lag: DEFAULT_LAG_SETTINGS, ...settings };
  return {
    settings: full,
    release: new InOrderRelease<PendingDelivery>(),
    lag: new LagController(full.lag),
    publishing: new Map(),
  };
}

export interface PipelineDeps extends PipelineEngines {
  readonly state: PipelineState;
}
