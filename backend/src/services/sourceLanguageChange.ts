import { languageInfo } from "@babelcast/protocol";
import { badRequest } from "./apiErrors.js";
import type { SessionRecord } from "./sessionRecords.js";

/** A session may have at most this many targets (`UpdateSessionRequest.targetLanguages`). */
const MAX_TARGETS = 20;

/** The language a stored segment was spoken in: its own, or (stored before any source change) the session's. */
export function segmentSource(
  segment: { readonly sourceLanguage?: string },
  session: Pick<SessionRecord, "sourceLanguage">,
): string {
  return segment.sourceLanguage ?? session.sourceLanguage;
}

/**
 * The session's languages after the presenter switches the source to `next`: the new source
 * leaves the targets (its listeners now hear the original), the old source joins them while
 * listeners are on it (they now get a translation). `requestedTargets` are the targets the
 * same update asks for, if any; they must not name the new source.
 */
export function languagesAfterSourceChange(
  current: Pick<SessionRecord, "sourceLanguage" | "targetLanguages">,
  next: string,
  requestedTargets: readonly string[] | undefined,
  oldSourceListened: boolean,
): { sourceLanguage: string; targetLanguages: string[] } {
  if (requestedTargets?.includes(next)) {
    throw badRequest(`targetLanguages: must not include the new source language ${next}`);
  }
  const previous = current.sourceLanguage;
  const targets = (requestedTargets ?? current.targetLanguages).filter((l) => l !== next);
  if (oldSourceListened && previous !== next && !targets.includes(previous)) {
    if (targets.length >= MAX_TARGETS) {
      const name = languageInfo(previous)?.englishName ?? previous;
      throw badRequest(
        `listeners are on ${name}, which would become a target, but the session already has ${MAX_TARGETS} targets: remove one first`,
      );
    }
    targets.push(previous);
  }
  return { sourceLanguage: next, targetLanguages: targets };
}
