import {
  RECORDINGS_PREFIX,
  type RecordingList,
  RecordingUploadGrant,
  RecordingUploadRequest,
  recordingKeyLanguage,
  recordingObjectKey,
} from "@babelcast/protocol";
import type { RecordingsBucket } from "../../aws/recordingsBucket.js";
import { ApiFailure, badRequest, parseOrThrow } from "../../services/apiErrors.js";
import { sessionLanguages } from "../../services/sessionRecords.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { type HttpEvent, type HttpResult, json, jsonBody, requireOwnedSession } from "./httpRequest.js";

/**
 * A PUT URL lives long enough for the console to start the upload at once (S3 checks the
 * expiry when the request starts, so a long upload may outlast it:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
 */
export const UPLOAD_URL_EXPIRY_SECONDS = 600;
/** Download links are fetched fresh with the list; 15 minutes is time enough to click one. */
export const DOWNLOAD_URL_EXPIRY_SECONDS = 900;

function requireBucket(deps: BackendDeps): RecordingsBucket {
  if (!deps.recordings) {
    throw new ApiFailure(
      409,
      "RecordingUploadsOff",
      "this deployment has no recordings bucket, so uploads are off: the console keeps the recording on this computer",
    );
  }
  return deps.recordings;
}

/** `POST /sessions/{id}/recordings` (owner only): a presigned PUT URL for one language's recording. */
export async function createRecordingUpload(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session } = await requireOwnedSession(deps, event);
  const bucket = requireBucket(deps);
  const request = parseOrThrow(RecordingUploadRequest, jsonBody(event), "recording upload");
  if (!sessionLanguages(session).includes(request.language)) {
    throw badRequest(`language: ${request.language} is not one of this session's languages`);
  }
  const now = deps.now();
  const key = recordingObjectKey(session.sessionId, request.language, request.startedAt ?? now, request.contentType);
  const url = await bucket.presignPut(key, request.contentType, request.bytes, UPLOAD_URL_EXPIRY_SECONDS);
  const grant: RecordingUploadGrant = {
    key,
    url,
    method: "PUT",
    headers: { "content-type": request.contentType },
    expiresAt: now + UPLOAD_URL_EXPIRY_SECONDS * 1000,
  };
  return json(201, RecordingUploadGrant.parse(grant));
}

/** `GET /sessions/{id}/recordings` (owner only): the session's uploaded recordings, each with a download URL. */
export async function listRecordings(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const { session } = await requireOwnedSession(deps, event);
  if (!deps.recordings) return json(200, { uploads: false, recordings: [] } satisfies RecordingList);
  const bucket = deps.recordings;
  const stored = await bucket.list(`${RECORDINGS_PREFIX}${session.sessionId}/`);
  const recordings = await Promise.all(
    stored.flatMap((o) => {
      const language = recordingKeyLanguage(o.key, session.sessionId);
      if (language === undefined) return [];
      return [
        bucket.presignGet(o.key, DOWNLOAD_URL_EXPIRY_SECONDS).then((url) => ({
          key: o.key,
          language,
          bytes: o.bytes,
          lastModified: o.lastModified,
          url,
        })),
      ];
    }),
  );
  recordings.sort((a, b) => a.key.localeCompare(b.key));
  return json(200, { uploads: true, expireDays: bucket.expireDays, recordings } satisfies RecordingList);
}
