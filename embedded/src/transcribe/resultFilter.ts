import type { TranscribeItem, TranscribeResult } from "./resultStabilizer.js";
import type { VocabularyFilterMethod } from "./streamParams.js";

/**
 * A vocabulary filter applied to a result as Transcribe applies it: a word of the list (whole
 * word, any case) becomes `***` (mask), goes (remove), or stays flagged (tag); matched items
 * carry `VocabularyFilterMatch: true`
 * (https://docs.aws.amazon.com/transcribe/latest/dg/vocabulary-filtering.html). Pure.
 */

export const MASK = "***";

export interface ResultFilter {
  /** Lower-cased words of the filter. */
  readonly words: ReadonlySet<string>;
  readonly method: VocabularyFilterMethod;
}

export function resultFilter(words: readonly string[], method: VocabularyFilterMethod): ResultFilter {
  return { words: new Set(words.map((w) => w.toLowerCase())), method };
}

function filterItem(item: TranscribeItem, filter: ResultFilter): TranscribeItem | undefined {
  if (item.Type !== "pronunciation" || !filter.words.has(item.Content.toLowerCase())) return item;
  if (filter.method === "remove") return undefined;
  return { ...item, Content: filter.method === "mask" ? MASK : item.Content, VocabularyFilterMatch: true };
}

/** Transcribe's transcript text: words joined by spaces, punctuation attached to the word before it. */
function transcriptOf(items: readonly TranscribeItem[]): string {
  return items.reduce(
    (text, item) => (item.Type === "punctuation" || text === "" ? `${text}${item.Content}` : `${text} ${item.Content}`),
    "",
  );
}

export function applyResultFilter(result: TranscribeResult, filter: ResultFilter): TranscribeResult {
  return {
    ...result,
    Alternatives: result.Alternatives.map((alternative) => {
      const items = alternative.Items.map((i) => filterItem(i, filter)).filter((i) => i !== undefined);
      return { Transcript: transcriptOf(items), Items: items };
    }),
  };
}
