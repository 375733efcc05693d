import { TranscriptFormat } from "@babelcast/protocol";
import { badRequest, forbidden } from "../../services/apiErrors.js";
import { sessionLanguages } from "../../services/sessionRecords.js";
import { segmentSource } from "../../services/sourceLanguageChange.js";
import { renderTranscript, TRANSCRIPT_CONTENT_TYPES, type TranscriptLine } from "../../services/transcript.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { type HttpEvent, type HttpResult, loadSession, ownerOf, sessionIdParam } from "./httpRequest.js";

/** `GET /sessions/{id}/transcript?lang=xx&format=txt|srt|vtt`: owner only unless the session made it public. */
export async function exportTranscript(deps: BackendDeps, event: HttpEvent): Promise<HttpResult> {
  const session = await loadSession(deps, sessionIdParam(event));
  const owner = await ownerOf(deps, event);
  if (!session.transcriptPublic && owner?.ownerId !== session.ownerId) {
    throw forbidden("only the presenter can download this transcript (sign in, or ask them to make it public)");
  }
  const query = event.queryStringParameters ?? {};
  const format = TranscriptFormat.safeParse(query.format ?? "txt");
  if (!format.success) throw badRequest(`format must be one of txt, srt, vtt (got "${query.format}")`);
  const language = query.lang ?? session.sourceLanguage;
  const offered = sessionLanguages(session);
  if (!offered.includes(language)) {
    throw badRequest(`lang ${language} is not a language of this session: choose one of ${offered.join(", ")}`);
  }
  const segments = await deps.stores.segments.listAfter(session.sessionId, -1);
  const lines: TranscriptLine[] = [];
  for (const s of segments) {
    const text = language === segmentSource(s, session) ? s.text : s.translations?.[language]?.text;
    if (text) lines.push({ seq: s.seq, startTime: s.startTime, endTime: s.endTime, text });
  }
  return {
    statusCode: 200,
    headers: {
      "content-type": TRANSCRIPT_CONTENT_TYPES[format.data],
      "content-disposition": `attachment; filename="${session.sessionId}-${language}.${format.data}"`,
      "cache-control": "no-store",
    },
    body: renderTranscript(lines, format.data),
  };
}
