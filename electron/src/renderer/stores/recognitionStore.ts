import type { ConfigDocument, SegmentProgressMessage, SessionOwnerView } from "@babelcast/protocol";
import { batch, type ReadonlySignal, signal } from "@preact/signals";
import type { RecognizerHandle, RecognizerOptions } from "../console/recognizerLink.js";
import { addSegment, addTranslation, type SegmentView } from "../live/transcriptLog.js";
import type { CommittedSegment } from "../recognition/committedSegment.js";
import type { NoticesStore } from "./noticesStore.js";
import type { AwsAccess } from "./signInStore.js";

/** Where recognized speech goes: the session's numbering, and the control socket. */
export interface SegmentSink {
  /** Not paused, not muted: what the presenter says is published. */
  onAir(): boolean;
  /** The session's next segment number. */
  allocateSeq(): number;
  sendSegment(segment: CommittedSegment): void;
  sendPartial(text: string): void;
}

export type StartRecognizer = (options: RecognizerOptions) => Promise<RecognizerHandle>;

/**
 * Speech recognition of the presenter: the recognizer's state, the live caption, and the
 * transcript of committed segments with their translations as they come back.
 */
export function createRecognitionStore(deps: {
  notices: NoticesStore;
  sink: SegmentSink;
  /** Absent: no recognition (tests, unsupported browsers). */
  startRecognizer?: StartRecognizer;
  /** Identification heard another language of the session: the session's source should follow. */
  onLanguageIdentified?: (language: string) => void;
}) {
  const { notices, sink } = deps;
  const state = signal("idle");
  const partial = signal("");
  const segments = signal<readonly SegmentView[]>([]);
  const sourceCharacters = signal(0);
  /** Cloud: Transcribe identifies the language among the session's instead of hearing the source alone. */
  const identify = signal(false);
  let recognizer: RecognizerHandle | undefined;
  /** What recognition was started with, to restart it in another language. */
  let running:
    | { session: SessionOwnerView; config: ConfigDocument; stream: MediaStream; access: AwsAccess }
    | undefined;

  /** A committed segment: to the server (translation, captions, speech) and into the transcript. */
  const acceptSegment = (segment: CommittedSegment): void => {
    sink.sendSegment(segment);
    batch(() => {
      segments.value = addSegment(segments.value, segment.seq, segment.text);
      sourceCharacters.value += segment.text.length;
      partial.value = "";
    });
  };

  const start = async (
    session: SessionOwnerView,
    config: ConfigDocument,
    stream: MediaStream,
    access: AwsAccess,
  ): Promise<void> => {
    if (!deps.startRecognizer) return;
    running = { session, config, stream, access };
    try {
      state.value = "starting";
      recognizer = await deps.startRecognizer({
        stream,
        config,
        sourceLanguage: session.sourceLanguage,
        ...(identify.value ? { identifyAmong: session.targetLanguages } : {}),
        onLanguageIdentified: (language) => deps.onLanguageIdentified?.(language),
        onRefused: (message) => {
          state.value = "stopped";
          void stopRecognizer();
          notices.push({
            id: "recognizer",
            level: "error",
            text: `Speech recognition refused to start: ${message}`,
            action: identify.value
              ? { label: "Choose the language by hand", run: () => void setIdentify(false) }
              : { label: "Retry", run: () => void start(session, config, stream, access) },
          });
        },
        hasGlossary: session.glossary.length > 0,
        ...(session.vocabulary ? { vocabulary: session.vocabulary } : {}),
        ...(session.vocabularyFilter ? { vocabularyFilter: session.vocabularyFilter } : {}),
        ...access,
        clock: {
          // Words spoken while paused or muted are dropped before they get a number.
          nextSeq: () => (sink.onAir() ? sink.allocateSeq() : undefined),
          now: () => Date.now(),
          // Audio time 0 is estimated as the moment recognition is asked to start.
          audioStartedAt: Date.now(),
        },
        onSegment: acceptSegment,
        onCaption: (text) => {
          if (!sink.onAir()) return;
          partial.value = text;
          sink.sendPartial(text);
        },
        onState: (next) => {
          state.value = next;
        },
        onWarning: (text) => notices.push({ id: "recognizer-vocabulary", level: "warning", text }),
      });
      notices.clear("recognizer");
    } catch (err) {
      state.value = "stopped";
      notices.push({
        id: "recognizer",
        level: "error",
        text: `Speech recognition did not start: ${(err as Error).message}`,
        action: { label: "Retry", run: () => void start(session, config, stream, access) },
      });
    }
  };

  const stopRecognizer = async (): Promise<void> => {
    const handle = recognizer;
    recognizer = undefined;
    await handle?.stop().catch(() => undefined);
  };

  /**
   * Restarts recognition for `session` (a new source language, or identification turned on or
   * off). The old recognizer's capture stops at once and its segment in flight is still
   * committed, in the language it was heard in, while the new one starts.
   */
  const restart = async (session: SessionOwnerView): Promise<void> => {
    if (!running) return;
    const finishing = stopRecognizer();
    await start(session, running.config, running.stream, running.access);
    await finishing;
  };

  const setIdentify = async (on: boolean): Promise<void> => {
    if (identify.value === on) return;
    identify.value = on;
    if (running) await restart(running.session);
  };

  return {
    state: state as ReadonlySignal<string>,
    identify: identify as ReadonlySignal<boolean>,
    setIdentify,
    /** The session's source changed: recognition restarts in it, unless identification already hears it. */
    async followSource(session: SessionOwnerView): Promise<void> {
      if (!running) return;
      const heard = running.session.sourceLanguage;
      running = { ...running, session };
      if (identify.value || session.sourceLanguage === heard) return;
      await restart(session);
    },
    /** The words after the last committed one, as the recognizer hears them. */
    partial: partial as ReadonlySignal<string>,
    segments: segments as ReadonlySignal<readonly SegmentView[]>,
    sourceCharacters: sourceCharacters as ReadonlySignal<number>,
    start,
    acceptSegment,
    /** A translation (or its failure) for one language of a segment. */
    recordProgress(m: SegmentProgressMessage): void {
      if (m.text !== undefined || m.error !== undefined)
        segments.value = addTranslation(segments.value, m.segmentSeq, m.language, m.text, m.error);
    },
    clearPartial(): void {
      partial.value = "";
    },
    async stop(): Promise<void> {
      running = undefined;
      await stopRecognizer();
    },
  };
}

export type RecognitionStore = ReturnType<typeof createRecognitionStore>;
