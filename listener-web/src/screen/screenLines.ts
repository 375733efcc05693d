import type { CaptionLine, CaptionLog } from "../captions/captionLog.js";

/** A projector shows only the newest lines: more would shrink the type or scroll. */
export const SCREEN_LINES = 3;

/** The newest `count` lines of one language, oldest first. */
export function screenLines(log: CaptionLog, language: string, count = SCREEN_LINES): CaptionLine[] {
  return log.lines.filter((l) => l.language === language).slice(-count);
}

/** What the caption screen's URL names: `?session=amber-harbor-482&lang=es`. */
export interface ScreenTarget {
  readonly sessionId: string;
  readonly language: string;
}

/** The session and language of a caption screen URL's query, or undefined when either is missing. */
export function screenTarget(search: string): ScreenTarget | undefined {
  const q = new URLSearchParams(search);
  const sessionId = q.get("session") ?? "";
  const language = q.get("lang") ?? "";
  return /^[a-z]+-[a-z]+-\d{3}$/.test(sessionId) && /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(language)
    ? { sessionId, language }
    : undefined;
}
