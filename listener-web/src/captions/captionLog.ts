export interface CaptionLine {
  /** Unique within a log: `${language}:${seq}`. */
  readonly key: string;
  readonly language: string;
  readonly seq: number;
  readonly text: string;
}

export interface CaptionLog {
  readonly lines: readonly CaptionLine[];
  /** Highest seq seen per language, for `hello { lastSeq }` after a reconnection. */
  readonly lastSeq: Readonly<Record<string, number>>;
  /** The source-language words not yet committed (only source-language listeners get them). */
  readonly partial: string;
}

/** Enough to scroll back through a talk's last minutes; older lines are dropped. */
export const MAX_CAPTION_LINES = 200;

export const emptyCaptionLog: CaptionLog = { lines: [], lastSeq: {}, partial: "" };

/**
 * Adds a caption: in seq order within its language, a re-sent seq (after a reconnection)
 * replaces nothing and adds nothing. A final clears the partial it completes.
 */
export function addCaption(
  log: CaptionLog,
  caption: { language: string; seq: number; text: string },
  max = MAX_CAPTION_LINES,
): CaptionLog {
  const key = `${caption.language}:${caption.seq}`;
  if (log.lines.some((l) => l.key === key)) return log;
  const line: CaptionLine = { key, language: caption.language, seq: caption.seq, text: caption.text };
  const lines = [...log.lines];
  // Usually the last; a late resend goes before the later lines of its language.
  let at = lines.length;
  while (at > 0 && lines[at - 1]!.language === caption.language && lines[at - 1]!.seq > caption.seq) at--;
  lines.splice(at, 0, line);
  const previous = log.lastSeq[caption.language] ?? -1;
  return {
    lines: lines.length > max ? lines.slice(lines.length - max) : lines,
    lastSeq: { ...log.lastSeq, [caption.language]: Math.max(previous, caption.seq) },
    partial: "",
  };
}

export const setPartial = (log: CaptionLog, text: string): CaptionLog =>
  log.partial === text ? log : { ...log, partial: text };

/** What to send in `hello` for this language: -1 when nothing was seen yet. */
export const lastSeqOf = (log: CaptionLog, language: string): number => log.lastSeq[language] ?? -1;
