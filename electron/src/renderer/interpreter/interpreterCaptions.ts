import type { RecognizerHandle } from "../console/recognizerLink.js";
import type { CommittedSegment } from "../recognition/committedSegment.js";

/**
 * Captions from an interpreter's own words. While an interpreter speaks a target language and
 * this home's recognizer hears that language, the console recognizes the interpreter's
 * microphone (the track it already mixes into that language) and sends the segments as that
 * language's captions (`captionLanguage`); the server then stops machine-translating the
 * presenter into it. When the interpreter drops, the stream stops (its last words still go out
 * as interpreted captions) and the language is declared machine-translated again.
 *
 * Where the recognizer cannot hear the language (offline: English only), nothing changes: the
 * language keeps machine-translated captions, as the Interpreters panel says.
 */

export interface InterpreterCaptionsDeps {
  /** Whether this home's recognizer hears `language` (`GET /languages`). */
  canRecognize(language: string): Promise<boolean>;
  /** Recognition of one interpreter's track in its language; segments as the recognizer commits them. */
  startRecognition(
    language: string,
    track: MediaStreamTrack,
    onSegment: (segment: CommittedSegment) => void,
  ): Promise<RecognizerHandle>;
  /** Declares the languages whose captions come from interpreters; resolves once the server stored it. */
  declare(languages: readonly string[]): Promise<void>;
  sendSegment(segment: CommittedSegment): void;
  /** Something the presenter should know (recognition of an interpreter failed to start). */
  warn(language: string, message: string): void;
}

interface Running {
  readonly track: MediaStreamTrack;
  readonly handle: RecognizerHandle;
}

export interface InterpreterCaptions {
  /** An interpreter's microphone started (`live`) or stopped arriving for `language`. */
  setInterpreter(language: string, track: MediaStreamTrack, live: boolean): void;
  /** Languages whose captions come from their interpreter now. */
  recognized(): readonly string[];
  /** Resolves when every change asked so far is done (tests, and the end of a session). */
  settled(): Promise<void>;
  stopAll(): Promise<void>;
}

export function createInterpreterCaptions(deps: InterpreterCaptionsDeps): InterpreterCaptions {
  const running = new Map<string, Running>();
  // One change at a time, in the order asked: a drop that overtook its own start would leave a
  // stream running for an interpreter who is gone.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>): void => {
    queue = queue.then(work).catch((err: unknown) => console.warn("interpreter captions:", err));
  };

  const start = async (language: string, track: MediaStreamTrack): Promise<void> => {
    const current = running.get(language);
    if (current?.track === track) return;
    if (current) await stop(language);
    if (!(await deps.canRecognize(language))) return;
    // Declared first: a segment the server routed by the old status would be dropped as stray.
    await deps.declare([...running.keys(), language]);
    try {
      const handle = await deps.startRecognition(language, track, (segment) =>
        deps.sendSegment({ ...segment, captionLanguage: language }),
      );
      running.set(language, { track, handle });
    } catch (err) {
      await deps.declare([...running.keys()]);
      deps.warn(
        language,
        `Recognizing the interpreter did not start (${(err as Error).message}): captions stay machine translation`,
      );
    }
  };

  const stop = async (language: string): Promise<void> => {
    const current = running.get(language);
    if (!current) return;
    // Stopped before the language is given back: its last segment still goes out as interpreted.
    await current.handle.stop().catch(() => undefined);
    running.delete(language);
    await deps.declare([...running.keys()]);
  };

  return {
    setInterpreter(language, track, live) {
      enqueue(() => (live ? start(language, track) : stop(language)));
    },
    recognized: () => [...running.keys()],
    settled: () => queue,
    async stopAll() {
      for (const language of [...running.keys()]) enqueue(() => stop(language));
      await queue;
    },
  };
}
