import { z } from "zod";
import { CaptionMessage, SessionStatusMessage, SourceLanguageMessage, SourcePartialMessage } from "./messages.js";

/**
 * Captions, partials and session status reach listeners through a managed pub/sub service:
 * AWS AppSync Events in the cloud, the embedded server's implementation of its wire protocol
 * offline. The backend publishes each message once per language to the channel
 * `/captions/<sessionId>/<language>`; the service delivers it to every subscriber.
 *
 * Documented limits (https://docs.aws.amazon.com/appsync/latest/eventapi/channel-namespaces.html,
 * https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-concepts.html,
 * https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html): a channel has at most 5
 * segments of 1–50 characters `[A-Za-z0-9-]`; an event is at most 240 KB; one HTTP publish
 * carries at most 5 events to one channel. Session ids (`amber-harbor-482`) and language codes
 * (`en`, `pt`) are valid segments.
 */

/** The channel namespace (first segment of every caption channel). */
export const CAPTION_NAMESPACE = "captions";

/** One channel segment as AppSync Events accepts it. */
export const CHANNEL_SEGMENT_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;

export const EVENT_API_LIMITS = {
  maxSegments: 5,
  maxEventBytes: 240 * 1024,
  maxEventsPerPublish: 5,
  /** Subscriptions one WebSocket connection may hold (default quota). */
  maxSubscriptionsPerConnection: 200,
} as const;

/** At most this many partial results per second per session reach listeners (a reader cannot follow more). */
export const MAX_PARTIALS_PER_SECOND = 4;

/** The channel of one session's language. */
export function captionChannel(sessionId: string, language: string): string {
  for (const segment of [sessionId, language]) {
    if (!CHANNEL_SEGMENT_PATTERN.test(segment)) throw new Error(`"${segment}" is not a valid channel segment`);
  }
  return `/${CAPTION_NAMESPACE}/${sessionId}/${language}`;
}

/** Session and language of a caption channel, or undefined when the path is not one. */
export function parseCaptionChannel(channel: string): { sessionId: string; language: string } | undefined {
  const parts = channel.split("/");
  if (parts.length !== 4 || parts[0] !== "" || parts[1] !== CAPTION_NAMESPACE) return undefined;
  const [sessionId, language] = [parts[2] ?? "", parts[3] ?? ""];
  if (!CHANNEL_SEGMENT_PATTERN.test(sessionId) || !CHANNEL_SEGMENT_PATTERN.test(language)) return undefined;
  return { sessionId, language };
}

/** What a caption channel carries: one of these per event (the event is its JSON text). */
export const CaptionChannelEvent = z.discriminatedUnion("type", [
  CaptionMessage,
  SourcePartialMessage,
  SessionStatusMessage,
  SourceLanguageMessage,
]);
export type CaptionChannelEvent = z.infer<typeof CaptionChannelEvent>;

/** Where the caption Event API answers: `httpUrl` takes `POST …/event`, `realtimeUrl` is the subscribe WebSocket. */
export const EventApiEndpoints = z.object({
  /** `https://<http-domain>/event` (cloud) or the embedded server's equivalent. */
  httpUrl: z.url(),
  /** `wss://<realtime-domain>/event/realtime` (cloud) or the embedded server's equivalent. */
  realtimeUrl: z.string().regex(/^wss?:\/\/[^\s]+$/, "must be a ws:// or wss:// URL"),
});
export type EventApiEndpoints = z.infer<typeof EventApiEndpoints>;
