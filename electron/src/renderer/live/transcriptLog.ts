/**
 * The live view's transcript: committed source segments with their translations as they
 * arrive, newest last, bounded. Pure reducers over read-only values.
 */

export interface SegmentView {
  readonly seq: number;
  readonly text: string;
  readonly translations: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
}

export const TRANSCRIPT_LIMIT = 200;

export function addSegment(log: readonly SegmentView[], seq: number, text: string): SegmentView[] {
  if (log.some((s) => s.seq === seq)) return [...log];
  const next = [...log, { seq, text, translations: {}, errors: {} }];
  next.sort((a, b) => a.seq - b.seq);
  return next.slice(-TRANSCRIPT_LIMIT);
}

export function addTranslation(
  log: readonly SegmentView[],
  seq: number,
  language: string,
  text: string | undefined,
  error: string | undefined,
): SegmentView[] {
  return log.map((s) =>
    s.seq !== seq
      ? s
      : {
          ...s,
          translations: text !== undefined ? { ...s.translations, [language]: text } : s.translations,
          errors: error !== undefined ? { ...s.errors, [language]: error } : s.errors,
        },
  );
}
