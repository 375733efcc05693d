import type { LanguageStages, SourceStages } from "@babelcast/protocol";

export type { ChannelRecord, SessionRecord } from "../services/sessionRecords.js";

/** A listener of a session, as the listeners table stores it. */
export interface ListenerRecord {
  readonly sessionId: string;
  readonly listenerId: string;
  readonly language: string;
  /** The pool channel it watches; absent when it is captions-only. */
  readonly channelArn?: string;
  /** Its audio slot in the coordination table (`slot#…`), held by conditional writes. */
  readonly slotItem?: string;
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

/** A translation of one segment into one language (stored before its caption goes out). */
export interface SegmentTranslation {
  readonly text: string;
  readonly stages: LanguageStages;
  /** Engine calls it took (1: first try); the session report counts the retried ones. */
  readonly attempts?: number;
}

/** A committed segment of the talk, as the segments table stores it. */
export interface SegmentRecord {
  readonly sessionId: string;
  readonly seq: number;
  readonly text: string;
  readonly startTime: number;
  readonly endTime: number;
  /** The language it was spoken in; absent: the session's source language (segments stored before a source change). */
  readonly sourceLanguage?: string;
  readonly stages: SourceStages;
  /** Languages somebody listened to when it arrived: the ones its captions go out in. */
  readonly languages?: readonly string[];
  readonly translations: Readonly<Record<string, SegmentTranslation>>;
}
