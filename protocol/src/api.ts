import { z } from "zod";
import { embedOriginsProblems } from "./embedOrigins.js";
import { KnownLanguage } from "./languages.js";

/**
 * HTTP API contracts (paths relative to the config document's `apiUrl`). Owner routes take
 * `Authorization: Bearer <token>` (the console owner token in embedded mode, a Cognito
 * user pool JWT in the cloud).
 */

/** Human-readable session id such as `amber-harbor-482`. */
export const SessionId = z.string().regex(/^[a-z]+-[a-z]+-\d{3}$/, "must be a session id such as amber-harbor-482");
export type SessionId = z.infer<typeof SessionId>;

export const ListenerId = z.string().regex(/^[A-Za-z0-9_.-]{8,64}$/, "must be the listener id the join returned");

/** A glossary entry: a source term and what it must become in each target (absent = keep as is). */
export const GlossaryEntry = z.object({
  source: z.string().trim().min(1).max(100),
  targets: z.record(KnownLanguage, z.string().trim().min(1).max(100)).default({}),
});
export type GlossaryEntry = z.infer<typeof GlossaryEntry>;

/**
 * A filtered word: one word (no spaces), as a Transcribe vocabulary filter entry takes it, 1 to
 * 256 characters (https://docs.aws.amazon.com/transcribe/latest/dg/vocabulary-filter-create.html).
 */
const FilterWord = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .refine((w) => !/\s/.test(w), "one word per entry (no spaces)");
const FilterWords = z.array(FilterWord).max(500);

/** How filtered words show: `***` in their place, or nothing. */
export const WordFilterMethod = z.enum(["mask", "remove"]);
export type WordFilterMethod = z.infer<typeof WordFilterMethod>;

/**
 * The session's word filter: words of the source language (masked or removed by Transcribe
 * before captions and translation, and by the backend), and per target language the words to
 * filter in its translations (absent: the source words).
 */
export const WordFilter = z
  .object({
    method: WordFilterMethod.default("mask"),
    words: FilterWords.default([]),
    targets: z.record(KnownLanguage, FilterWords).default({}),
  })
  .strict();
export type WordFilter = z.infer<typeof WordFilter>;

export const SessionStatus = z.enum(["created", "live", "paused", "ended"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

const Title = z.string().trim().min(1, "title must not be empty").max(200);
const TargetLanguages = z
  .array(KnownLanguage)
  .max(20)
  .refine((l) => new Set(l).size === l.length, "languages repeat");
const Glossary = z.array(GlossaryEntry).max(500);
const Voices = z.record(KnownLanguage, z.string().regex(/^[A-Za-z]{2,20}$/));
const AudioCapacity = z.number().int().min(0).max(10_000);
/** Sites allowed to show the session's player in an iframe; none by default. */
export const EmbedOrigins = z.array(z.string().max(300)).superRefine((origins, ctx) => {
  for (const message of embedOriginsProblems(origins)) ctx.addIssue({ code: "custom", message });
});

export const CreateSessionRequest = z
  .object({
    title: Title,
    sourceLanguage: KnownLanguage,
    targetLanguages: TargetLanguages.default([]),
    glossary: Glossary.default([]),
    wordFilter: WordFilter.optional(),
    voices: Voices.default({}),
    audioCapacity: AudioCapacity.default(100),
    passcode: z.string().min(4).max(64).optional(),
    transcriptPublic: z.boolean().default(false),
  })
  .strict()
  .refine((s) => !s.targetLanguages.includes(s.sourceLanguage), {
    message: "targetLanguages must not include the source language",
    path: ["targetLanguages"],
  });
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

export const UpdateSessionRequest = z
  .object({
    title: Title.optional(),
    /**
     * A new source language mid-session: the old source becomes a target while listeners are
     * on it, the new one stops being a target, and every listener is told (`source-language`).
     */
    sourceLanguage: KnownLanguage.optional(),
    targetLanguages: TargetLanguages.optional(),
    glossary: Glossary.optional(),
    wordFilter: WordFilter.optional(),
    voices: Voices.optional(),
    audioCapacity: AudioCapacity.optional(),
    transcriptPublic: z.boolean().optional(),
    embedOrigins: EmbedOrigins.optional(),
  })
  .strict();
export type UpdateSessionRequest = z.infer<typeof UpdateSessionRequest>;

/** What this home's engines can do for a language as a session target: spoken, captions only, or nothing. */
export const LanguageCapability = z.enum(["speech", "captions", "unavailable"]);
export type LanguageCapability = z.infer<typeof LanguageCapability>;

/** One language of `GET /languages?source=xx`, as this home's engines serve it. */
export const LanguageAvailability = z.object({
  code: z.string(),
  englishName: z.string(),
  nativeName: z.string(),
  /** Whether the recognizer hears it (it may be a session's source); the reason names the missing engine. */
  recognition: z.object({ available: z.boolean(), reason: z.string().optional() }),
  /** As a target of a session in `source`; absent for the source itself. */
  capability: LanguageCapability.optional(),
  /** Why it is captions only or unavailable: the missing engine. */
  reason: z.string().optional(),
});
export type LanguageAvailability = z.infer<typeof LanguageAvailability>;

/** `GET /languages?source=xx`: every language of the table, what this home can do with it from `source`. */
export const LanguagesResponse = z.object({
  /** Where the engines run: the embedded server's offline engines, AWS, or hybrid (Amazon Translate on an embedded server). */
  engineHome: z.enum(["embedded", "aws", "hybrid"]),
  source: z.string(),
  languages: z.array(LanguageAvailability),
});
export type LanguagesResponse = z.infer<typeof LanguagesResponse>;

/** What anyone with the link may see. */
export const SessionPublic = z.object({
  id: SessionId,
  title: z.string(),
  sourceLanguage: z.string(),
  targetLanguages: z.array(z.string()),
  status: SessionStatus,
  muted: z.boolean(),
  passcodeRequired: z.boolean(),
  transcriptPublic: z.boolean(),
});
export type SessionPublic = z.infer<typeof SessionPublic>;

export const ChannelSummary = z.object({
  channelArn: z.string(),
  viewers: z.number().int().min(0),
});

/** What the owner sees. */
/**
 * The glossary as the Transcribe custom vocabulary the backend keeps for the session: the
 * console names it when it starts streaming only once READY (building one takes minutes on AWS).
 */
export const SessionVocabulary = z.object({
  name: z.string(),
  state: z.enum(["PENDING", "READY", "FAILED"]),
  failureReason: z.string().optional(),
});
export type SessionVocabulary = z.infer<typeof SessionVocabulary>;

/**
 * The word filter as the Transcribe vocabulary filter the backend keeps for the session: the
 * console names it, with the method, when it starts streaming (a filter is usable at once).
 */
export const SessionVocabularyFilter = z.object({ name: z.string(), method: WordFilterMethod });
export type SessionVocabularyFilter = z.infer<typeof SessionVocabularyFilter>;

export const SessionOwnerView = SessionPublic.extend({
  glossary: z.array(GlossaryEntry),
  vocabulary: SessionVocabulary.optional(),
  wordFilter: WordFilter.optional(),
  vocabularyFilter: SessionVocabularyFilter.optional(),
  voices: z.record(z.string(), z.string()),
  audioCapacity: z.number().int(),
  createdAt: z.number(),
  endedAt: z.number().optional(),
  listenerPageUrl: z.url(),
  /** Origins allowed to embed the player (`GET /sessions/{id}/embed`); empty: none. */
  embedOrigins: z.array(z.string()),
  channels: z.array(ChannelSummary),
  /** How many times the session was handed to another console: a console live at an older count has stepped down. */
  hubEpoch: z.number().int().nonnegative().optional(),
});
export type SessionOwnerView = z.infer<typeof SessionOwnerView>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** A presigned KVS signaling connection: the client's `requestSigner` returns `signedUrl`. */
export const SignalingGrant = z.object({
  channelArn: z.string(),
  channelEndpoint: z.string().regex(/^wss?:\/\//),
  signedUrl: z.string().regex(/^wss?:\/\//),
  region: z.string(),
  role: z.enum(["MASTER", "VIEWER"]),
  clientId: z.string().optional(),
  iceServers: z.array(IceServer),
  /** Epoch milliseconds after which the signed URL no longer connects. */
  expiresAt: z.number(),
});
export type SignalingGrant = z.infer<typeof SignalingGrant>;

export const JoinRequest = z
  .object({
    language: KnownLanguage,
    /** Present on a rejoin: the same listener gets its old slot back. */
    listenerId: ListenerId.optional(),
    listenerToken: z.string().max(2048).optional(),
    passcode: z.string().max(64).optional(),
    /** A caption screen: captions only, so it takes no audio place from a phone. */
    captionsOnly: z.literal(true).optional(),
  })
  .strict();
export type JoinRequest = z.infer<typeof JoinRequest>;

export const JoinAudio = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("webrtc"), signaling: SignalingGrant }),
  z.object({ mode: z.literal("captions-only"), reason: z.string() }),
]);
export type JoinAudio = z.infer<typeof JoinAudio>;

export const JoinResponse = z.object({
  listenerId: ListenerId,
  /** Short-lived token bound to this session and listener: for the WebSocket and refreshes. */
  listenerToken: z.string(),
  language: z.string(),
  audio: JoinAudio,
  webSocketUrl: z.string().regex(/^wss?:\/\//),
  session: SessionPublic,
});
export type JoinResponse = z.infer<typeof JoinResponse>;

/** `POST /sessions/{id}/listeners/{listenerId}/refresh`: a fresh viewer URL and token before they expire. */
export const RefreshRequest = z.object({ listenerToken: z.string().min(1).max(2048) }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const RefreshResponse = z.object({
  listenerId: ListenerId,
  listenerToken: z.string(),
  language: z.string(),
  audio: JoinAudio,
});
export type RefreshResponse = z.infer<typeof RefreshResponse>;

/** `GET /sessions`: the owner's sessions, newest first (to reopen a running one). */
export const ListSessionsResponse = z.object({ sessions: z.array(SessionOwnerView) });
export type ListSessionsResponse = z.infer<typeof ListSessionsResponse>;

/** `GET /sessions/{id}/channels` (owner): a master grant for every channel of the pool. */
export const ChannelsResponse = z.object({ channels: z.array(SignalingGrant) });
export type ChannelsResponse = z.infer<typeof ChannelsResponse>;

/** The one-time code of a hand-off link (32 base64url characters, 192 random bits). */
export const HandOffCode = z.string().regex(/^[A-Za-z0-9_-]{32}$/, "must be the code of a hand-off link");

/**
 * `POST /sessions/{id}/handoffs` (owner): `{}` (or no body) for a link anyone signed in may
 * claim, or `presenter` (the e-mail a presenter signs in with) for a link only they may claim.
 */
export const CreateHandOffRequest = z.object({ presenter: z.email().max(254).optional() }).strict();
export type CreateHandOffRequest = z.infer<typeof CreateHandOffRequest>;

/** A hand-off link's code: another signed-in console claims the session with it once, before `expiresAt`. */
export const HandOffResponse = z.object({
  sessionId: SessionId,
  code: HandOffCode,
  /** Epoch milliseconds after which the code is refused. */
  expiresAt: z.number(),
  /** The only presenter who may claim it, when the owner named one. */
  presenter: z.string().optional(),
});
export type HandOffResponse = z.infer<typeof HandOffResponse>;

/**
 * A hand-off to a named presenter as `GET /handoffs` lists it to them: the SHA-256 of its code
 * (base64url). It claims only for the named presenter, so it is no link anyone could use.
 */
export const HandOffId = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be the id of a hand-off waiting for you");

/**
 * `POST /sessions/{id}/handoffs/claim` (a signed-in presenter): the code from the link, or the
 * id of a hand-off `GET /handoffs` listed for them (named presenters only).
 */
export const ClaimHandOffRequest = z.union([
  z.object({ code: HandOffCode }).strict(),
  z.object({ handOff: HandOffId }).strict(),
]);
export type ClaimHandOffRequest = z.infer<typeof ClaimHandOffRequest>;

/** The session, now the claimant's, and the last segment stored: the new console numbers from the next one. */
export const ClaimHandOffResponse = z.object({
  session: SessionOwnerView,
  /** -1 when no segment was stored yet. */
  lastSeq: z.number().int().min(-1),
});
export type ClaimHandOffResponse = z.infer<typeof ClaimHandOffResponse>;

/** A hand-off waiting for the signed-in presenter: a session its owner handed to them by e-mail. */
export const WaitingHandOff = z.object({
  sessionId: SessionId,
  title: z.string(),
  handOff: HandOffId,
  /** The e-mail of the presenter who handed it off, when they signed in with one. */
  from: z.string().optional(),
  /** Epoch milliseconds after which it can no longer be taken over. */
  expiresAt: z.number(),
});
export type WaitingHandOff = z.infer<typeof WaitingHandOff>;

/** `GET /handoffs` (a signed-in presenter): the hand-offs naming their e-mail, unclaimed and unexpired. */
export const WaitingHandOffsResponse = z.object({ handOffs: z.array(WaitingHandOff) });
export type WaitingHandOffsResponse = z.infer<typeof WaitingHandOffsResponse>;

export const TranscriptFormat = z.enum(["txt", "srt", "vtt"]);
export type TranscriptFormat = z.infer<typeof TranscriptFormat>;

/** Every error the HTTP API returns. */
export const ApiError = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ApiError = z.infer<typeof ApiError>;
