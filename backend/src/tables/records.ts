import type { LanguageStages, SourceStages } from "@babelcast/protocol";

export type { ChannelRecord, SessionRecord } from "../services/sessionRecords.js";

/** A listener of a session, as the listeners table stores it. */
export interface ListenerRecord {
  readonly sessionId: string;
  readonly listenerId: string;
  readonly language: string;
  /** The pool channel it watches; absent when it is captions-only. */
  readonly channelArn?: string;
  /** Why it is captions-only, when it is. */
  readonly captionsOnlyReason?: string;
  readonly connectionId?: string;
  readonly connected: boolean;
  readonly joinedAt: number;
  readonly lastActiveAt: number;
  /** TTL, epoch seconds. */
  readonly expiresAt: number;
}

export type ConnectionRole = "console" | "listener";

/** An open WebSocket connection, as the connections table stores it. */
export interface ConnectionRecord {
  readonly connectionId: string;
  readonly sessionId: string;
  readonly role: ConnectionRole;
  readonly listenerId?: string;
  readonly language?: string;
  readonly connectedAt: number;
  /** TTL, epoch seconds (API Gateway closes a connection after 2 hours at most). */
  readonly expiresAt: number;
}

/** A translation of one segment into one language. */
export interface SegmentTranslation {
  /** The caption's per-language sequence number, when it differs from the segment's. */
  readonly seq?: number;
  readonly text: string;
  readonly stages: LanguageStages;
  readonly speechMissing?: boolean;
  readonly error?: string;
}

/** A committed segment of the talk, as the segments table stores it. */
export interface SegmentRecord {
  readonly sessionId: string;
  readonly seq: number;
  readonly text: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly stages: SourceStages;
  readonly translations: Readonly<Record<string, SegmentTranslation>>;
}
