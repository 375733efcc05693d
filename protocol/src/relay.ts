import { z } from "zod";
import { SignalingGrant } from "./api.js";
import { LanguageCode } from "./languages.js";

/**
 * Contracts between a relay, the console it relays and whoever runs it. A relay is a KVS
 * viewer of the console's channel and the KVS master of the pool channels given to it; it
 * forwards the console's encoded Opus RTP, one language per listener (docs/relays.md).
 */

/** A relay's viewer client id on the console's channel starts with this; listener ids start with `l-`. */
export const RELAY_CLIENT_ID_PREFIX = "relay-";

/** A relay's client id: the prefix and 1 to 64 characters KVS accepts in a ClientId ([a-zA-Z0-9_.-]). */
export const RelayClientId = z
  .string()
  .regex(/^relay-[a-zA-Z0-9_.-]{1,64}$/, "must be relay- followed by 1 to 64 of [a-zA-Z0-9_.-]");

/** Whether a viewer of the console's channel is a relay (it gets every language track, not one). */
export function isRelayClientId(clientId: string): boolean {
  return clientId.startsWith(RELAY_CLIENT_ID_PREFIX);
}

/**
 * The relay offers the console one receive-only audio m-line per language, its SDP mid naming
 * the language (`lang-es`); the console answers each with that language's track. A mid is an
 * SDP token (RFC 8843), which these are.
 */
export function relayTrackMid(language: string): string {
  return `lang-${language}`;
}

/** The language of a relay offer's m-line, or undefined when the mid is not one of `relayTrackMid`'s. */
export function languageOfRelayMid(mid: string | null | undefined): string | undefined {
  const match = /^lang-([a-z]{2})$/.exec(mid ?? "");
  return match?.[1];
}

/** A listener's viewer client id on a relay's pool channel (what KVS allows in X-Amz-ClientId). */
const ViewerId = z.string().regex(/^[a-zA-Z0-9_.-]{1,256}$/, "must be 1 to 256 of [a-zA-Z0-9_.-]");

/**
 * Commands to a relay process, one JSON object per line on its stdin. `start` comes first and
 * once; grants are presigned by whoever runs the relay (the relay holds no AWS credentials).
 */
export const RelayCommand = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("start"),
    relayId: RelayClientId,
    /** Viewer grant of the console's channel, for client id `relayId`. */
    upstream: SignalingGrant,
    /** Every language the console sends (source and targets): one upstream track each. */
    languages: z
      .array(LanguageCode)
      .min(1)
      .max(32)
      .refine((list) => new Set(list).size === list.length, "must name each language once"),
    /** Local address the relay's ICE binds to (tests: 127.0.0.1); all interfaces when absent. */
    bindAddress: z.string().optional(),
  }),
  /** Be the master of one more pool channel (or a fresher grant of a known one). */
  z.object({ type: z.literal("addChannel"), grant: SignalingGrant }),
  /** A fresher viewer grant of the console's channel (the relay asked with `grantNeeded`). */
  z.object({ type: z.literal("upstreamGrant"), grant: SignalingGrant }),
  /** Who listens to what: a viewer's language; a change switches its audio without renegotiation. */
  z.object({ type: z.literal("assign"), viewerId: ViewerId, language: LanguageCode }),
  /** A viewer left: its peer connection closes. */
  z.object({ type: z.literal("unassign"), viewerId: ViewerId }),
  /** Stop relaying: every connection closes and the process exits. */
  z.object({ type: z.literal("stop") }),
]);
export type RelayCommand = z.infer<typeof RelayCommand>;

export type RelayConnectionState = "connecting" | "connected" | "reconnecting" | "closed";

/** What a relay reports, one JSON object per line on its stdout. */
export const RelayEvent = z.discriminatedUnion("type", [
  /** Commands are accepted from now on. */
  z.object({ type: z.literal("ready"), relayId: z.string() }),
  /** The console's tracks: `languages` lists those with packets flowing. */
  z.object({
    type: z.literal("upstream"),
    state: z.enum(["connecting", "connected", "reconnecting", "closed"]),
    languages: z.array(z.string()),
  }),
  /** A pool channel's signaling connection. */
  z.object({
    type: z.literal("channel"),
    channelArn: z.string(),
    state: z.enum(["connecting", "connected", "reconnecting", "closed"]),
  }),
  /** A listener's peer connection on one of the relay's channels. */
  z.object({
    type: z.literal("viewer"),
    viewerId: z.string(),
    channelArn: z.string(),
    state: z.enum(["connecting", "connected", "reconnecting", "closed"]),
    language: z.string().optional(),
  }),
  /** A presigned URL is about to expire or was refused: send a fresh grant (`addChannel` / `upstreamGrant`). */
  z.object({ type: z.literal("grantNeeded"), role: z.enum(["MASTER", "VIEWER"]), channelArn: z.string() }),
  /** A command was refused (nothing changed) or something failed; `message` says what to do. */
  z.object({ type: z.literal("error"), message: z.string() }),
]);
export type RelayEvent = z.infer<typeof RelayEvent>;

/** Parses one line of a relay's stdin: a command, or an error message saying what is wrong. */
export function parseRelayCommand(line: string): { ok: true; command: RelayCommand } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: "a relay command is one JSON object per line; this line is not JSON" };
  }
  const parsed = RelayCommand.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `relay command refused: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`,
    };
  }
  return { ok: true, command: parsed.data };
}
