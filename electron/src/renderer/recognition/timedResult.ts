import type { Result } from "@aws-sdk/client-transcribe-streaming";

/**
 * A Transcribe result placed on the session's audio clock (a renewed stream starts later
 * than the session), the one shape the segmenter reads. Pure.
 */
export interface TimedItem {
  readonly type: "pronunciation" | "punctuation";
  readonly content: string;
  /** Seconds of session audio. */
  readonly start: number;
  readonly end: number;
  /** Transcribe's `Stable` (undefined when stabilization is off). */
  readonly stable: boolean | undefined;
}

export interface TimedResult {
  readonly resultId: string;
  readonly isPartial: boolean;
  readonly items: readonly TimedItem[];
  /** The language Transcribe identified (streams with IdentifyLanguage only). */
  readonly languageCode?: string;
}

export const midpoint = (item: { start: number; end: number }) => (item.start + item.end) / 2;

/**
 * Two recognizers place the same word a little differently; a word of a renewed stream that
 * starts more than this before the handover point is the previous stream's word heard again.
 */
export const HANDOVER_TOLERANCE_SECONDS = 0.1;

/**
 * Shifts a stream's result by the session time at which the stream's audio began, keeping
 * only the words that start at or after `from` (the end of the last word the previous stream
 * settled), with the tolerance above. Punctuation follows the word before it.
 */
export function placeResult(
  result: Result,
  stream: { readonly id: number; readonly offset: number; readonly from: number },
): TimedResult | undefined {
  const items: TimedItem[] = [];
  let keepPunctuation = false;
  for (const item of result.Alternatives?.[0]?.Items ?? []) {
    const timed: TimedItem = {
      type: item.Type === "punctuation" ? "punctuation" : "pronunciation",
      content: item.Content ?? "",
      start: (item.StartTime ?? 0) + stream.offset,
      end: (item.EndTime ?? 0) + stream.offset,
      stable: item.Stable,
    };
    if (timed.content === "") continue;
    if (timed.type === "punctuation") {
      if (keepPunctuation) items.push(timed);
      continue;
    }
    keepPunctuation = timed.start >= stream.from - HANDOVER_TOLERANCE_SECONDS;
    if (keepPunctuation) items.push(timed);
  }
  if (items.length === 0 && result.IsPartial !== false) return undefined;
  return {
    resultId: `${stream.id}:${result.ResultId ?? ""}`,
    isPartial: result.IsPartial !== false,
    items,
    ...(result.LanguageCode ? { languageCode: result.LanguageCode } : {}),
  };
}
