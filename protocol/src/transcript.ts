import { z } from "zod";

/**
 * What the console's segmenter emits from the recognizer's results: committed segments
 * (sent once, translated) and the live caption of the words not committed yet.
 */

export const SegmentCloseReason = z.enum(["sentence", "clause", "pause", "words", "time", "final", "end"]);
export type SegmentCloseReason = z.infer<typeof SegmentCloseReason>;

export const SegmentWord = z.object({
  text: z.string().min(1),
  /** Seconds of session audio. */
  startTime: z.number().nonnegative(),
  endTime: z.number().nonnegative(),
});
export type SegmentWord = z.infer<typeof SegmentWord>;

export const RecognizedSegment = z.object({
  /** 0, 1, 2, … in commit order within a recognition session. */
  seq: z.number().int().nonnegative(),
  text: z.string().min(1),
  startTime: z.number().nonnegative(),
  endTime: z.number().nonnegative(),
  words: z.array(SegmentWord).min(1),
  /** Why the segment was closed here: a boundary, a cap, or the end of an utterance. */
  reason: SegmentCloseReason,
});
export type RecognizedSegment = z.infer<typeof RecognizedSegment>;

export const LiveCaption = z.object({
  /** The unstable tail after the last committed word; empty when everything is committed. */
  text: z.string(),
});
export type LiveCaption = z.infer<typeof LiveCaption>;
