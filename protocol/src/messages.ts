import { z } from "zod";
import { SignalingGrant } from "./api.js";
import { KnownLanguage } from "./languages.js";

/**
 * WebSocket API messages. Clients send JSON with an `action` (API Gateway selects the route
 * by it); the server sends JSON with a `type`, in text frames only. Speech never travels
 * here: the console synthesizes it from the `segment-progress` text.
 *
 * Connect: `${webSocketUrl}?role=console&sessionId=ID&token=OWNER_TOKEN` or
 *          `${webSocketUrl}?role=listener&sessionId=ID&token=LISTENER_TOKEN`.
 */

/** Largest inbound message the API accepts (API Gateway's frame limit is 32 KB). */
export const MAX_CLIENT_MESSAGE_BYTES = 32 * 1024;

const Millis = z.number().int().nonnegative();

/** Timestamps (epoch ms) a segment collects on its way; each stage adds its own. */
export const SourceStages = z.object({
  /** When the last word of the segment was spoken (audio time mapped to the wall clock). */
  spokenEndAt: Millis.optional(),
  committedAt: Millis,
  sentAt: Millis,
  receivedAt: Millis.optional(),
  persistedAt: Millis.optional(),
});
export type SourceStages = z.infer<typeof SourceStages>;

export const LanguageStages = z.object({
  translatedAt: Millis.optional(),
  synthesizedAt: Millis.optional(),
  deliveredAt: Millis.optional(),
});
export type LanguageStages = z.infer<typeof LanguageStages>;

export const SegmentText = z.string().trim().min(1, "segment text must not be empty").max(3000);

// ---- console → server ------------------------------------------------------------

export const ConsoleSegmentMessage = z
  .object({
    action: z.literal("segment"),
    /** Console-assigned, strictly increasing within a session: re-sends are recognized. */
    seq: z.number().int().nonnegative(),
    text: SegmentText,
    /** Audio time of the segment in the recognizer stream, seconds. */
    startTime: z.number().nonnegative(),
    endTime: z.number().nonnegative(),
    /** The language it was recognized in; absent: the session's. Set across a source change, so the segment in flight keeps its own. */
    sourceLanguage: KnownLanguage.optional(),
    /**
     * Set: the words are an interpreter's, recognized in this language (a target language whose
     * captions the console declared interpreted in its status). Stored as that language's own
     * caption, not translated into any other.
     */
    captionLanguage: KnownLanguage.optional(),
    stages: SourceStages,
  })
  .strict();

export const ConsolePartialMessage = z
  .object({
    action: z.literal("partial"),
    /** The not-yet-committed tail, shown to source-language listeners as live captions. */
    text: z.string().max(3000),
  })
  .strict();

export const ConsoleStatusMessage = z
  .object({
    action: z.literal("status"),
    status: z.enum(["live", "paused"]),
    muted: z.boolean(),
    /**
     * Target languages whose captions come from recognizing their interpreter now: the server
     * stops machine-translating into them until a status leaves them out. Absent: unchanged.
     */
    interpretedCaptions: z.array(KnownLanguage).max(50).optional(),
  })
  .strict();

export const ConsoleEndMessage = z.object({ action: z.literal("end") }).strict();

/** Optional: asks for the current session status and listener counts (e.g. after a reconnect). */
export const ConsoleHelloMessage = z
  .object({
    action: z.literal("hello"),
    /** The hand-off count the console went live at: a console left behind by a hand-off is told so. */
    hubEpoch: z.number().int().nonnegative().optional(),
  })
  .strict();

export const ConsoleMessage = z.discriminatedUnion("action", [
  ConsoleSegmentMessage,
  ConsolePartialMessage,
  ConsoleStatusMessage,
  ConsoleEndMessage,
  ConsoleHelloMessage,
]);
export type ConsoleMessage = z.infer<typeof ConsoleMessage>;

// ---- listener → server -----------------------------------------------------------

export const ListenerHelloMessage = z
  .object({
    action: z.literal("hello"),
    /** Last caption seq this listener saw for its language: the server resends what came after. */
    lastSeq: z.number().int().min(-1).default(-1),
  })
  .strict();

export const ListenerLanguageMessage = z
  .object({
    action: z.literal("language"),
    language: KnownLanguage,
  })
  .strict();

export const ListenerMessage = z.discriminatedUnion("action", [ListenerHelloMessage, ListenerLanguageMessage]);
export type ListenerMessage = z.infer<typeof ListenerMessage>;

// ---- server → clients ------------------------------------------------------------

export const CaptionMessage = z.object({
  type: z.literal("caption"),
  language: z.string(),
  /** The console's segment number in the session (= `segmentSeq`): captions are shown in this order, never out of it. */
  seq: z.number().int().nonnegative(),
  segmentSeq: z.number().int().nonnegative(),
  text: z.string(),
  sourceText: z.string(),
  /** Wall-clock ms when the words were spoken, for the listener's delay indicator. */
  spokenEndAt: Millis.optional(),
});
export type CaptionMessage = z.infer<typeof CaptionMessage>;

export const SourcePartialMessage = z.object({
  type: z.literal("partial"),
  text: z.string(),
});

export const SessionStatusMessage = z.object({
  type: z.literal("session-status"),
  status: z.enum(["created", "live", "paused", "ended"]),
  muted: z.boolean(),
});
export type SessionStatusMessage = z.infer<typeof SessionStatusMessage>;

/** The presenter changed the source language: listeners see a notice, consoles follow. */
export const SourceLanguageMessage = z.object({
  type: z.literal("source-language"),
  sourceLanguage: z.string(),
  previousLanguage: z.string(),
  /** The session's targets after the change (the old source among them while listeners are on it). */
  targetLanguages: z.array(z.string()),
});
export type SourceLanguageMessage = z.infer<typeof SourceLanguageMessage>;

export const ListenerCountsMessage = z.object({
  type: z.literal("listener-counts"),
  /** Grows with every change: a console keeps the counts with the highest version it has seen. */
  version: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative(),
  byLanguage: z.record(z.string(), z.number().int().nonnegative()),
  byChannel: z.record(z.string(), z.number().int().nonnegative()),
  captionsOnly: z.number().int().nonnegative(),
  /** KVS viewer client id (the listener id) → language: which track each viewer should get. */
  byViewer: z.record(z.string(), z.string()).optional(),
});
export type ListenerCountsMessage = z.infer<typeof ListenerCountsMessage>;

/** Tells the console to connect as master on a newly created channel of the pool. */
export const ChannelAddedMessage = z.object({
  type: z.literal("channel-added"),
  signaling: SignalingGrant,
  /**
   * "uplink": the channel relays receive the console's tracks on (every viewer is a relay, no
   * listener slot counts it); absent: a listener pool channel.
   */
  purpose: z.literal("uplink").optional(),
});

/**
 * Tells a console that its session was handed to another console (now at `hubEpoch`): it stops
 * recognition, speech and its master connections, and the new console carries on.
 */
export const HandedOffMessage = z.object({
  type: z.literal("handed-off"),
  hubEpoch: z.number().int().nonnegative(),
});
export type HandedOffMessage = z.infer<typeof HandedOffMessage>;

/** Sent to the console per segment and language as stages complete (latency display). */
export const SegmentProgressMessage = z.object({
  type: z.literal("segment-progress"),
  segmentSeq: z.number().int().nonnegative(),
  language: z.string(),
  text: z.string().optional(),
  source: SourceStages,
  stages: LanguageStages,
  error: z.string().optional(),
});
export type SegmentProgressMessage = z.infer<typeof SegmentProgressMessage>;

/** A listener's own language changed (ack of `language`). */
export const LanguageChangedMessage = z.object({
  type: z.literal("language-changed"),
  language: z.string(),
});

export const ErrorMessage = z.object({
  type: z.literal("error"),
  code: z.string(),
  message: z.string(),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;

export const ServerMessage = z.discriminatedUnion("type", [
  CaptionMessage,
  SourcePartialMessage,
  SessionStatusMessage,
  SourceLanguageMessage,
  ListenerCountsMessage,
  ChannelAddedMessage,
  HandedOffMessage,
  SegmentProgressMessage,
  LanguageChangedMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
