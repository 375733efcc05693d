import type {
  ApiError,
  CaptionChannelEvent,
  ConfigDocument,
  EventApiEndpoints,
  JoinAudio,
  JoinResponse,
  RefreshResponse,
  ServerMessage,
  SessionPublic,
  SessionStatus,
  SignalingGrant,
} from "@babelcast/protocol";

/**
 * Checks of what the page reads from the network, written against protocol's TYPES.
 *
 * Why not protocol's zod schemas: importing them brings zod and every schema, about 95 KB
 * gzip, five times the page's whole budget; type-only imports cost the page nothing. What
 * keeps these checks true to the contract is `Checks<T>`: one entry per field of the
 * protocol type, so a field added to or removed from the protocol fails the listener's
 * typecheck until the check here follows. (A field with a zod `.default()` is required in
 * the type but may be absent on the wire: its check must accept undefined and the page
 * must fill the default.)
 */

type Check = (value: unknown) => boolean;

/** One check per field of `T`, none missing and none extra. */
export type Checks<T> = { readonly [K in keyof T]-?: Check };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
/** An absolute URL the browser can parse, of one of the schemes `scheme` matches (`http:`, `ws:`…). */
const isUrl =
  (scheme: RegExp): Check =>
  (v) => {
    try {
      return scheme.test(new URL(v as string).protocol);
    } catch {
      return false;
    }
  };
const isWsUrl = isUrl(/^wss?:$/);
const isHttpUrl = isUrl(/^https?:$/);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const arrayOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);
/** A value among the keys of `values`, which names every member of the protocol's union. */
const oneOf =
  (values: Record<string, true>): Check =>
  (v) =>
    isString(v) && Object.keys(values).includes(v);

/** A guard that accepts an object when every field passes its check. */
const matches =
  <T>(checks: Checks<T>) =>
  (v: unknown): v is T =>
    isObject(v) && Object.entries<Check>(checks).every(([field, check]) => check(v[field]));

/** A guard for a union told apart by its `tag` field: the tag picks the checks of its member. */
const matchesTagged =
  <T>(tag: string, checksByTag: Readonly<Record<string, Checks<Json>>>) =>
  (v: unknown): v is T =>
    isObject(v) &&
    isString(v[tag]) &&
    Object.keys(checksByTag).includes(v[tag]) &&
    matches(checksByTag[v[tag]] as Checks<Json>)(v);

/** The fields of the config document the page uses. */
export type ListenerConfig = Pick<ConfigDocument, "version" | "apiUrl" | "webSocketUrl" | "events">;

export const isListenerConfig = matches<ListenerConfig>({
  version: (v) => v === 1,
  apiUrl: isHttpUrl,
  webSocketUrl: isWsUrl,
  events: matches<EventApiEndpoints>({ httpUrl: isHttpUrl, realtimeUrl: isWsUrl }),
});

const STATUSES: Record<SessionStatus, true> = { created: true, live: true, paused: true, ended: true };
export const isSessionStatus = oneOf(STATUSES) as (v: unknown) => v is SessionStatus;

export const isSessionPublic = matches<SessionPublic>({
  id: isString,
  title: isString,
  sourceLanguage: isString,
  targetLanguages: arrayOf(isString),
  status: isSessionStatus,
  muted: isBoolean,
  passcodeRequired: isBoolean,
  transcriptPublic: isBoolean,
});

const ROLES: Record<SignalingGrant["role"], true> = { MASTER: true, VIEWER: true };

export const isSignalingGrant = matches<SignalingGrant>({
  channelArn: isString,
  channelEndpoint: isWsUrl,
  signedUrl: isWsUrl,
  region: isString,
  role: oneOf(ROLES),
  clientId: optional(isString),
  iceServers: arrayOf(
    matches<SignalingGrant["iceServers"][number]>({
      urls: (v) => isString(v) || arrayOf(isString)(v),
      username: optional(isString),
      credential: optional(isString),
    }),
  ),
  expiresAt: isNumber,
});

type AudioMode = JoinAudio["mode"];
const audioChecks: { readonly [M in AudioMode]: Checks<Extract<JoinAudio, { mode: M }>> } = {
  webrtc: { mode: isString, signaling: isSignalingGrant },
  "captions-only": { mode: isString, reason: isString },
};
const isJoinAudio = matchesTagged<JoinAudio>("mode", audioChecks);

export const isRefreshResponse = matches<RefreshResponse>({
  listenerId: isString,
  listenerToken: isString,
  language: isString,
  audio: isJoinAudio,
});

export const isJoinResponse = matches<JoinResponse>({
  listenerId: isString,
  listenerToken: isString,
  language: isString,
  audio: isJoinAudio,
  webSocketUrl: isWsUrl,
  session: isSessionPublic,
});

const isApiError = matches<ApiError>({ error: matches<ApiError["error"]>({ code: isString, message: isString }) });

/** The HTTP API's error body, or undefined when the body is something else. */
export const apiErrorOf = (v: unknown): ApiError["error"] | undefined => (isApiError(v) ? v.error : undefined);

/** Server → listener WebSocket messages the page acts on (the others are meant for the console). */
export type ListenerServerMessage = Extract<
  ServerMessage,
  { type: "caption" | "partial" | "session-status" | "source-language" | "language-changed" | "error" }
>;
type ListenerMessageType = ListenerServerMessage["type"];

const messageChecks: {
  readonly [M in ListenerMessageType]: Checks<Extract<ListenerServerMessage, { type: M }>>;
} = {
  caption: {
    type: isString,
    language: isString,
    seq: isNumber,
    segmentSeq: isNumber,
    text: isString,
    sourceText: isString,
    spokenEndAt: optional(isNumber),
  },
  partial: { type: isString, text: isString },
  "session-status": { type: isString, status: isSessionStatus, muted: isBoolean },
  "source-language": {
    type: isString,
    sourceLanguage: isString,
    previousLanguage: isString,
    targetLanguages: arrayOf(isString),
  },
  "language-changed": { type: isString, language: isString },
  error: { type: isString, code: isString, message: isString },
};
const isListenerServerMessage = matchesTagged<ListenerServerMessage>("type", messageChecks);

/** What the caption channel of the listener's language carries (the contract's CaptionChannelEvent). */
export type FeedEvent = Extract<ListenerServerMessage, { type: CaptionChannelEvent["type"] }>;
const FEED_TYPES: Record<FeedEvent["type"], true> = {
  caption: true,
  partial: true,
  "session-status": true,
  "source-language": true,
};

/** One event of the caption channel (already parsed from its JSON text); anything else is ignored (false). */
export const isFeedEvent = (v: unknown): v is FeedEvent => isListenerServerMessage(v) && v.type in FEED_TYPES;

/** Parses one WebSocket text frame; anything unknown or malformed is ignored (undefined). */
export function parseServerMessage(data: unknown): ListenerServerMessage | undefined {
  if (!isString(data)) return undefined;
  try {
    const v: unknown = JSON.parse(data);
    return isListenerServerMessage(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
