import { z } from "zod";
import { SessionId, SessionStatus } from "./api.js";

/**
 * Session lifecycle events for integrations. In the cloud the handlers put them on the
 * stack's EventBridge bus; the embedded server appends the same JSON, one event a line, to
 * `lifecycle-events.log` in its data dir. One schema for both, so a consumer written
 * against the log works against the bus unchanged.
 */

/** EventBridge `source` of every lifecycle event (rules match on it). */
export const LIFECYCLE_EVENT_SOURCE = "babelcast.sessions";

/** File name, inside the embedded server's data dir, of the lifecycle event log. */
export const LIFECYCLE_EVENT_LOG_FILE = "lifecycle-events.log";

export const LifecycleEventType = SessionStatus;
export type LifecycleEventType = z.infer<typeof LifecycleEventType>;

/** EventBridge `detail-type` for each event type: "Session Created", "Session Live", ... */
export const LIFECYCLE_DETAIL_TYPES = {
  created: "Session Created",
  live: "Session Live",
  paused: "Session Paused",
  ended: "Session Ended",
} as const satisfies Record<LifecycleEventType, string>;

export const SessionLifecycleEvent = z
  .object({
    version: z.literal(1),
    type: LifecycleEventType,
    sessionId: SessionId,
    /** Epoch milliseconds at which the session entered this state. */
    at: z.number().int().nonnegative(),
    /** The owner's id: the Cognito `sub` in the cloud, "local-owner" in embedded mode. */
    ownerId: z.string().min(1).max(128),
    sourceLanguage: z.string(),
    targetLanguages: z.array(z.string()),
    /** Why it happened, for `ended`: the owner ended it, or the scheduled cleanup did. */
    reason: z.enum(["owner", "cleanup", "expired"]).optional(),
  })
  .strict();
export type SessionLifecycleEvent = z.infer<typeof SessionLifecycleEvent>;

/** The entry for EventBridge `PutEvents` (field names as the SDK's `PutEventsRequestEntry`). */
export interface LifecycleEventEntry {
  readonly Source: typeof LIFECYCLE_EVENT_SOURCE;
  readonly DetailType: (typeof LIFECYCLE_DETAIL_TYPES)[LifecycleEventType];
  readonly Detail: string;
  readonly EventBusName: string;
  readonly Time: Date;
}

export function toEventBridgeEntry(event: SessionLifecycleEvent, eventBusName: string): LifecycleEventEntry {
  const valid = SessionLifecycleEvent.parse(event);
  return {
    Source: LIFECYCLE_EVENT_SOURCE,
    DetailType: LIFECYCLE_DETAIL_TYPES[valid.type],
    Detail: JSON.stringify(valid),
    EventBusName: eventBusName,
    Time: new Date(valid.at),
  };
}

/** One line of the embedded server's lifecycle event log (newline included). */
export function toLogLine(event: SessionLifecycleEvent): string {
  return `${JSON.stringify(SessionLifecycleEvent.parse(event))}\n`;
}

/** Parses one log line (or an EventBridge `detail`) back into an event; throws on anything else. */
export function parseLifecycleEvent(json: string): SessionLifecycleEvent {
  return SessionLifecycleEvent.parse(JSON.parse(json));
}
