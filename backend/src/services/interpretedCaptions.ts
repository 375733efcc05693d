import type { SessionRecord } from "./sessionRecords.js";

/**
 * Where a segment's captions go while interpreters may be captioning their languages. Pure.
 *
 * - A floor segment (the presenter's words) is translated into the languages with listeners,
 *   except those whose captions come from their interpreter now: those would otherwise get two
 *   captions for the same moment, the interpreter's and the machine's.
 * - An interpreter's segment (`captionLanguage`) is its language's caption only, kept for the
 *   transcript even when nobody listens right now. It is refused unless that language is a target
 *   of the session the console declared interpreted, so a stray segment changes nothing.
 */
export type SegmentLanguages =
  | { readonly ok: true; readonly languages: string[] }
  | { readonly ok: false; readonly reason: string };

export function segmentLanguages(
  session: Pick<SessionRecord, "targetLanguages" | "interpretedCaptions">,
  withListeners: readonly string[],
  captionLanguage: string | undefined,
): SegmentLanguages {
  const interpreted = new Set(session.interpretedCaptions ?? []);
  if (captionLanguage === undefined) {
    return { ok: true, languages: withListeners.filter((l) => !interpreted.has(l)) };
  }
  if (!session.targetLanguages.includes(captionLanguage)) {
    return { ok: false, reason: `${captionLanguage} is not a target language of this session` };
  }
  if (!interpreted.has(captionLanguage)) {
    return {
      ok: false,
      reason: `${captionLanguage} captions are not interpreted now: send a status with interpretedCaptions first`,
    };
  }
  return { ok: true, languages: [captionLanguage] };
}

/** The interpreted languages a status may declare: the session's targets only, each once. */
export function declaredInterpretedCaptions(
  session: Pick<SessionRecord, "targetLanguages">,
  declared: readonly string[],
): { readonly ok: true; readonly languages: string[] } | { readonly ok: false; readonly reason: string } {
  const stray = declared.filter((l) => !session.targetLanguages.includes(l));
  if (stray.length > 0) return { ok: false, reason: `not target languages of this session: ${stray.join(", ")}` };
  return { ok: true, languages: [...new Set(declared)].sort() };
}
