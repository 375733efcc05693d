import { z } from "zod";
import { SessionId } from "./api.js";
import { LanguageCode } from "./languages.js";

/**
 * Recording uploads (`POST` and `GET /sessions/{id}/recordings`, owner only): the console
 * records each language track it sends and, where the deployment has a recordings bucket,
 * uploads each file with a presigned S3 PUT URL; the owner lists them with presigned GET URLs.
 */

/** What the console's MediaRecorder writes: Opus in WebM (Chromium) or in Ogg. */
export const RECORDING_CONTENT_TYPES = ["audio/webm", "audio/ogg"] as const;
export type RecordingContentType = (typeof RECORDING_CONTENT_TYPES)[number];

/**
 * The largest object one S3 PUT may carry, 5 GB: larger files need a multipart upload
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html). A recording
 * is one PUT, so this is its limit (hours of Opus at 32 kbit/s are tens of megabytes).
 */
export const MAX_RECORDING_BYTES = 5 * 1024 ** 3;

/** Where a deployment keeps its recordings in the bucket; the lifecycle rule expires this prefix. */
export const RECORDINGS_PREFIX = "recordings/";

export const RecordingUploadRequest = z.strictObject({
  language: LanguageCode,
  contentType: z.enum(RECORDING_CONTENT_TYPES),
  /** The file's exact size: the signature binds it (Content-Length), so S3 refuses any other body. */
  bytes: z
    .number()
    .int()
    .min(1, "an empty recording is not uploaded")
    .max(MAX_RECORDING_BYTES, "S3 takes at most 5 GB in one PUT: keep this recording on disk"),
  /** When the recording started (epoch ms): names the object. Absent: now. */
  startedAt: z.number().int().nonnegative().optional(),
});
export type RecordingUploadRequest = z.infer<typeof RecordingUploadRequest>;

export const RecordingUploadGrant = z.object({
  key: z.string(),
  /** Presigned S3 PUT URL (SigV4 query authentication). */
  url: z.string().url(),
  method: z.literal("PUT"),
  /** Headers the PUT must carry exactly as here (they are signed). */
  headers: z.record(z.string(), z.string()),
  /** Epoch ms after which S3 refuses the URL. */
  expiresAt: z.number().int(),
});
export type RecordingUploadGrant = z.infer<typeof RecordingUploadGrant>;

export const RecordingObject = z.object({
  key: z.string(),
  language: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Epoch ms. */
  lastModified: z.number().int(),
  /** Presigned S3 GET URL, short-lived: fetch the list again for a fresh one. */
  url: z.string().url(),
});
export type RecordingObject = z.infer<typeof RecordingObject>;

export const RecordingList = z.object({
  /** Whether this deployment has a recordings bucket (uploads are on). */
  uploads: z.boolean(),
  /** Days after which the bucket's lifecycle rule deletes a recording (when uploads are on). */
  expireDays: z.number().int().positive().optional(),
  recordings: z.array(RecordingObject),
});
export type RecordingList = z.infer<typeof RecordingList>;

/** `20261206T190000Z`: the recording's UTC start, as in the console's file names. */
export function recordingTimestamp(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/** `recordings/<sessionId>/<language>-<UTC start>.webm` (`.ogg` for Ogg). */
export function recordingObjectKey(
  sessionId: string,
  language: string,
  startedAt: number,
  contentType: RecordingContentType,
): string {
  SessionId.parse(sessionId);
  LanguageCode.parse(language);
  const extension = contentType === "audio/ogg" ? "ogg" : "webm";
  return `${RECORDINGS_PREFIX}${sessionId}/${language}-${recordingTimestamp(startedAt)}.${extension}`;
}

/** The language of a recording's key, or undefined when the key is not one of a session's recordings. */
export function recordingKeyLanguage(key: string, sessionId: string): string | undefined {
  const prefix = `${RECORDINGS_PREFIX}${sessionId}/`;
  if (!key.startsWith(prefix)) return undefined;
  return /^([a-z]{2})-\d{8}T\d{6}Z\.(webm|ogg)$/.exec(key.slice(prefix.length))?.[1];
}

/** The Electron console's origin (its own standard scheme). */
export const ELECTRON_CONSOLE_ORIGIN = "babelcast://console";

/**
 * The recordings bucket's CORS rule (the stack's bucket and the embedded S3 alike): the
 * console's origins may PUT an upload and GET a download, sending only Content-Type (the
 * browser sets Content-Length itself), and read the ETag.
 */
export const RECORDINGS_CORS = {
  allowMethods: ["PUT", "GET"],
  allowHeaders: ["content-type"],
  exposeHeaders: ["ETag"],
  maxAgeSeconds: 600,
} as const;
