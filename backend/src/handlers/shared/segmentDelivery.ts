import type { CaptionMessage, SegmentProgressMessage, ServerMessage } from "@babelcast/protocol";
import type { SessionRecord } from "../../services/sessionRecords.js";
import type { ConnectionRecord, SegmentRecord, SegmentTranslation } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";
import { broadcast, type ConnectionFilter, consoles, listenersOf, sendToConnections } from "./fanout.js";

/**
 * THE SEAM where the translation pipeline plugs in. The segment route calls the session's
 * processor once per newly stored segment, with the languages somebody listens to. The
 * pipeline's `processSegment(segment, deps)` is wired here with the publishers below as its
 * injected publishCaption / publishSpeech / publishProgress / persist.
 */
export type SegmentProcessor = (segment: SegmentRecord, context: SegmentContext) => Promise<void>;

export interface SegmentContext {
  readonly session: SessionRecord;
  /** Languages (source and targets) with at least one connected listener. */
  readonly activeLanguages: readonly string[];
  readonly publishers: SegmentPublishers;
  readonly deps: BackendDeps;
}

/** How a processed segment reaches people and the table. */
export interface SegmentPublishers {
  /** A caption to every listener of `caption.language`; returns how many got it. */
  publishCaption(caption: CaptionMessage): Promise<number>;
  /** Synthesized speech bytes (a binary frame) to the session's console. */
  publishSpeech(frame: Uint8Array): Promise<number>;
  /** Stage timestamps of one segment and language to the console (latency display). */
  publishProgress(progress: SegmentProgressMessage): Promise<number>;
  /** Stores a translation of the segment (before it is published: durability first). */
  persistTranslation(language: string, translation: SegmentTranslation): Promise<void>;
}

/**
 * Publishers for one segment. `connections` is the session's connection list read when the
 * segment arrived: one table read per segment, not one per caption.
 */
export function segmentPublishers(
  deps: BackendDeps,
  sessionId: string,
  seq: number,
  connections?: readonly ConnectionRecord[],
): SegmentPublishers {
  const to = async (message: ServerMessage | Uint8Array, filter: ConnectionFilter) =>
    connections
      ? sendToConnections(deps, connections.filter(filter), message)
      : broadcast(deps, sessionId, message, filter);
  return {
    publishCaption: (caption) => to(caption, listenersOf(caption.language)),
    publishSpeech: (frame) => to(frame, consoles),
    publishProgress: (progress) => to(progress, consoles),
    persistTranslation: (language, translation) =>
      deps.stores.segments.putTranslation(sessionId, seq, language, translation),
  };
}

/** The caption of a segment in the source language. */
export function sourceCaption(segment: SegmentRecord, sourceLanguage: string): CaptionMessage {
  return {
    type: "caption",
    language: sourceLanguage,
    seq: segment.seq,
    segmentSeq: segment.seq,
    text: segment.text,
    sourceText: segment.text,
    ...(segment.stages.spokenEndAt !== undefined ? { spokenEndAt: segment.stages.spokenEndAt } : {}),
    speechMissing: false,
  };
}

/**
 * Default processor until the translation pipeline is wired: the source-language caption to
 * source-language listeners, and its delivery time to the console.
 */
export const deliverSourceCaption: SegmentProcessor = async (
  segment,
  { session, activeLanguages, publishers, deps },
) => {
  if (!activeLanguages.includes(session.sourceLanguage)) return;
  await publishers.publishCaption(sourceCaption(segment, session.sourceLanguage));
  await publishers.publishProgress({
    type: "segment-progress",
    segmentSeq: segment.seq,
    language: session.sourceLanguage,
    text: segment.text,
    source: segment.stages,
    stages: { deliveredAt: deps.now() },
  });
};
