import type { RecognizedSegment } from "@babelcast/protocol";

/**
 * A segment as the segmenter commits it. This one value travels from the segmenter through
 * recognition to the control socket, which adds the send time when it actually writes it.
 */
export interface CommittedSegment extends RecognizedSegment {
  /** Epoch ms at which the segmenter committed it. */
  readonly committedAt: number;
  /** Epoch ms at which its last word was spoken (audio time on the wall clock), when the audio start is known. */
  readonly spokenEndAt?: number;
  /** The language it was recognized in (product code); set by the recognizer, absent in tests of the segmenter alone. */
  readonly sourceLanguage?: string;
  /** Set for an interpreter's words: the target language they caption (the server translates them nowhere). */
  readonly captionLanguage?: string;
}

/** How a segmenter numbers its segments and reads the time (injected: the segmenter stays pure). */
export interface SegmentClock {
  /**
   * The next segment number, or undefined when the words are not to be published (the
   * console is paused or muted): they are committed all the same, so they never come back.
   * Numbers are handed out only to published segments: the server waits for a missing one.
   */
  readonly nextSeq: () => number | undefined;
  readonly now: () => number;
  /** Epoch ms of audio time 0, to place each segment's last word on the wall clock. */
  readonly audioStartedAt?: number;
}

/** Numbers from `firstSeq` up, wall-clock time, audio start unknown. */
export function countingClock(firstSeq = 0): SegmentClock {
  let seq = firstSeq;
  return { nextSeq: () => seq++, now: () => Date.now() };
}
