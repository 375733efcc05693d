import type { ConsoleMessage } from "@babelcast/protocol";
import type { CommittedSegment } from "../recognition/committedSegment.js";

export type ConsoleSegmentMessage = Extract<ConsoleMessage, { action: "segment" }>;

/** The wire form of a committed segment, stamped with the moment it is written to the socket. */
export function segmentMessage(segment: CommittedSegment, sentAt: number): ConsoleSegmentMessage {
  return {
    action: "segment",
    seq: segment.seq,
    text: segment.text,
    startTime: segment.startTime,
    endTime: segment.endTime,
    ...(segment.sourceLanguage === undefined ? {} : { sourceLanguage: segment.sourceLanguage }),
    ...(segment.captionLanguage === undefined ? {} : { captionLanguage: segment.captionLanguage }),
    stages: {
      ...(segment.spokenEndAt === undefined ? {} : { spokenEndAt: segment.spokenEndAt }),
      committedAt: segment.committedAt,
      sentAt,
    },
  };
}
