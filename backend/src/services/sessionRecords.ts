import { scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type {
  CreateSessionRequest,
  GlossaryEntry,
  SessionOwnerView,
  SessionPublic,
  SessionStatus,
  UpdateSessionRequest,
  WordFilter,
} from "@babelcast/protocol";
import { badRequest, conflict } from "./apiErrors.js";

/** One signaling channel of a session's pool. */
export interface ChannelRecord {
  readonly channelArn: string;
  readonly channelName: string;
  readonly index: number;
  readonly createdAt: number;
  /** Who is the channel's KVS master: the console (absent, as on records older than relays) or a relay. */
  readonly host?: ChannelHost;
  /** The relay that masters the channel (host "relay"). */
  readonly relayId?: string;
}

export type ChannelHost = "console" | "relay";

/** A session as the sessions table stores it. */
export interface SessionRecord {
  readonly sessionId: string;
  readonly ownerId: string;
  readonly title: string;
  readonly sourceLanguage: string;
  readonly targetLanguages: readonly string[];
  readonly glossary: readonly GlossaryEntry[];
  /** Words to mask or remove from captions and translations (absent: none). */
  readonly wordFilter?: WordFilter;
  readonly voices: Readonly<Record<string, string>>;
  readonly audioCapacity: number;
  /** `salt:hash` (scrypt); absent when the session has no passcode. */
  readonly passcodeHash?: string;
  readonly transcriptPublic: boolean;
  /** Origins allowed to frame the embeddable player; absent (sessions from before): none. */
  readonly embedOrigins?: readonly string[];
  readonly status: SessionStatus;
  readonly muted: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly endedAt?: number;
  readonly channels: readonly ChannelRecord[];
  /**
   * The channel relays receive the console's tracks on (KVS viewers of it, the console its
   * master): made when the first relay channel is added, never a listener's (no slots).
   */
  readonly uplink?: ChannelRecord;
  /** The Translate terminology holding the glossary, and a fingerprint of what it was built from. */
  readonly terminology?: { readonly name: string; readonly glossaryKey: string };
  /**
   * The Transcribe vocabulary holding the glossary and a fingerprint of what it holds; an
   * empty key: deleted (the glossary has no usable phrase any more).
   */
  readonly vocabulary?: { readonly name: string; readonly phrasesKey: string };
  /** The Transcribe vocabulary filter holding the word filter's source words; an empty key: deleted. */
  readonly vocabularyFilter?: { readonly name: string; readonly wordsKey: string };
  /** How many times the session was handed to another console (absent: never). */
  readonly hubEpoch?: number;
  /** Target languages captioned from their interpreter's recognized speech now, not by translation. */
  readonly interpretedCaptions?: readonly string[];
}

export function hashPasscode(passcode: string, salt: string): string {
  return `${salt}:${scryptSync(passcode, salt, 32).toString("base64url")}`;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>;

/** Runs scrypt (slow on purpose) on libuv's thread pool: a flood of guesses must not stall the event loop. */
export async function passcodeMatches(
  record: Pick<SessionRecord, "passcodeHash">,
  passcode: string | undefined,
): Promise<boolean> {
  if (!record.passcodeHash) return true;
  if (passcode === undefined) return false;
  const [salt = "", expected = ""] = record.passcodeHash.split(":");
  const actual = (await scryptAsync(passcode, salt, 32)).toString("base64url");
  return expected.length === actual.length && timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
}

export function newSessionRecord(
  request: CreateSessionRequest,
  ids: { sessionId: string; ownerId: string; passcodeSalt: string },
  now: number,
): SessionRecord {
  return {
    sessionId: ids.sessionId,
    ownerId: ids.ownerId,
    title: request.title,
    sourceLanguage: request.sourceLanguage,
    targetLanguages: request.targetLanguages,
    glossary: request.glossary,
    ...(request.wordFilter ? { wordFilter: request.wordFilter } : {}),
    voices: request.voices,
    audioCapacity: request.audioCapacity,
    ...(request.passcode ? { passcodeHash: hashPasscode(request.passcode, ids.passcodeSalt) } : {}),
    transcriptPublic: request.transcriptPublic,
    status: "created",
    muted: false,
    createdAt: now,
    updatedAt: now,
    channels: [],
  };
}

/** The fields an update changes, checked against the session as it is. */
export function applySessionUpdate(
  record: SessionRecord,
  update: UpdateSessionRequest,
  now: number,
): Partial<SessionRecord> {
  if (record.status === "ended") throw conflict(`session ${record.sessionId} has ended and can no longer be changed`);
  const source = update.sourceLanguage ?? record.sourceLanguage;
  if (update.targetLanguages?.includes(source)) {
    throw badRequest(`targetLanguages: must not include the source language ${source}`);
  }
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(update)) if (value !== undefined) changes[key] = value;
  if (Object.keys(changes).length === 0) throw badRequest("the update names no field to change");
  return { ...(changes as Partial<SessionRecord>), updatedAt: now };
}

export function toSessionPublic(record: SessionRecord): SessionPublic {
  return {
    id: record.sessionId,
    title: record.title,
    sourceLanguage: record.sourceLanguage,
    targetLanguages: [...record.targetLanguages],
    status: record.status,
    muted: record.muted,
    passcodeRequired: Boolean(record.passcodeHash),
    transcriptPublic: record.transcriptPublic,
  };
}

/** A session's listener page: `${listenerUrl}/s/{id}`. */
export function listenerPageUrl(listenerUrl: string, sessionId: string): string {
  return `${listenerUrl.replace(/\/+$/, "")}/s/${sessionId}`;
}

export function toSessionOwnerView(
  record: SessionRecord,
  listenerUrl: string,
  viewersByChannel: Readonly<Record<string, number>>,
): SessionOwnerView {
  return {
    ...toSessionPublic(record),
    glossary: [...record.glossary],
    ...(record.wordFilter ? { wordFilter: record.wordFilter } : {}),
    ...(record.status !== "ended" && record.wordFilter && record.vocabularyFilter?.wordsKey
      ? { vocabularyFilter: { name: record.vocabularyFilter.name, method: record.wordFilter.method } }
      : {}),
    voices: { ...record.voices },
    audioCapacity: record.audioCapacity,
    createdAt: record.createdAt,
    ...(record.endedAt !== undefined ? { endedAt: record.endedAt } : {}),
    listenerPageUrl: listenerPageUrl(listenerUrl, record.sessionId),
    embedOrigins: [...(record.embedOrigins ?? [])],
    channels: record.channels.map((c) => ({ channelArn: c.channelArn, viewers: viewersByChannel[c.channelArn] ?? 0 })),
    hubEpoch: record.hubEpoch ?? 0,
  };
}

/** Languages a listener may pick: the source and every target. */
export function sessionLanguages(record: Pick<SessionRecord, "sourceLanguage" | "targetLanguages">): string[] {
  return [record.sourceLanguage, ...record.targetLanguages];
}
