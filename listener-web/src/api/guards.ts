import type {
  ConfigDocument,
  JoinResponse,
  RefreshResponse,
  SessionPublic,
  SessionStatus,
  SignalingGrant,
} from "@babelcast/protocol";

/**
 * Hand-written checks of what the page reads from the network. The protocol's zod schemas
 * would cost more than the whole page budget, so only their types are imported here.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isWsUrl = (v: unknown): v is string => isString(v) && /^wss?:\/\//.test(v);
const isHttpUrl = (v: unknown): v is string => isString(v) && /^https?:\/\//.test(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** The two fields of the config document the page uses. */
export type ListenerConfig = Pick<ConfigDocument, "apiUrl" | "webSocketUrl">;

export function isListenerConfig(v: unknown): v is ListenerConfig {
  return isObject(v) && v.version === 1 && isHttpUrl(v.apiUrl) && isWsUrl(v.webSocketUrl);
}

const STATUSES: readonly SessionStatus[] = ["created", "live", "paused", "ended"];
export const isSessionStatus = (v: unknown): v is SessionStatus => STATUSES.includes(v as SessionStatus);

export function isSessionPublic(v: unknown): v is SessionPublic {
  return (
    isObject(v) &&
    isString(v.id) &&
    isString(v.title) &&
    isString(v.sourceLanguage) &&
    isStringArray(v.targetLanguages) &&
    isSessionStatus(v.status) &&
    typeof v.muted === "boolean" &&
    typeof v.passcodeRequired === "boolean"
  );
}

export function isSignalingGrant(v: unknown): v is SignalingGrant {
  return (
    isObject(v) &&
    isString(v.channelArn) &&
    isWsUrl(v.channelEndpoint) &&
    isWsUrl(v.signedUrl) &&
    isString(v.region) &&
    (v.role === "VIEWER" || v.role === "MASTER") &&
    (v.clientId === undefined || isString(v.clientId)) &&
    Array.isArray(v.iceServers) &&
    v.iceServers.every((s) => isObject(s) && (isString(s.urls) || isStringArray(s.urls))) &&
    isNumber(v.expiresAt)
  );
}

function isJoinAudio(audio: unknown): boolean {
  if (!isObject(audio)) return false;
  if (audio.mode === "webrtc") return isSignalingGrant(audio.signaling);
  return audio.mode === "captions-only" && isString(audio.reason);
}

export function isRefreshResponse(v: unknown): v is RefreshResponse {
  return (
    isObject(v) && isString(v.listenerId) && isString(v.listenerToken) && isString(v.language) && isJoinAudio(v.audio)
  );
}

export function isJoinResponse(v: unknown): v is JoinResponse {
  return isObject(v) && isWsUrl(v.webSocketUrl) && isSessionPublic(v.session) && isRefreshResponse(v);
}

/** The HTTP API's error body, or undefined when the body is something else. */
export function apiErrorOf(v: unknown): { code: string; message: string } | undefined {
  if (!isObject(v) || !isObject(v.error)) return undefined;
  const { code, message } = v.error;
  return isString(code) && isString(message) ? { code, message } : undefined;
}

/** Server → listener WebSocket messages the page acts on. */
export type ListenerServerMessage =
  | {
      type: "caption";
      language: string;
      seq: number;
      segmentSeq: number;
      text: string;
      sourceText: string;
      spokenEndAt?: number;
    }
  | { type: "partial"; text: string }
  | { type: "session-status"; status: SessionStatus; muted: boolean }
  | { type: "language-changed"; language: string }
  | { type: "error"; code: string; message: string };

/** Parses one WebSocket text frame; anything unknown or malformed is ignored (undefined). */
export function parseServerMessage(data: unknown): ListenerServerMessage | undefined {
  if (!isString(data)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case "caption":
      if (
        isString(v.language) &&
        isNumber(v.seq) &&
        isNumber(v.segmentSeq) &&
        isString(v.text) &&
        isString(v.sourceText) &&
        (v.spokenEndAt === undefined || isNumber(v.spokenEndAt))
      ) {
        return {
          type: "caption",
          language: v.language,
          seq: v.seq,
          segmentSeq: v.segmentSeq,
          text: v.text,
          sourceText: v.sourceText,
          ...(v.spokenEndAt === undefined ? {} : { spokenEndAt: v.spokenEndAt }),
        };
      }
      return undefined;
    case "partial":
      return isString(v.text) ? { type: "partial", text: v.text } : undefined;
    case "session-status":
      return isSessionStatus(v.status) && typeof v.muted === "boolean"
        ? { type: "session-status", status: v.status, muted: v.muted }
        : undefined;
    case "language-changed":
      return isString(v.language) ? { type: "language-changed", language: v.language } : undefined;
    case "error":
      return isString(v.code) && isString(v.message) ? { type: "error", code: v.code, message: v.message } : undefined;
    default:
      return undefined;
  }
}
