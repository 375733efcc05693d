import { createHash } from "node:crypto";
import { LANGUAGES, type WordFilter, type WordFilterMethod } from "@babelcast/protocol";

/**
 * The session's word filter: applied by Transcribe (a vocabulary filter the owner function keeps,
 * named on the console's streams) and by the backend to every caption and translation, with
 * Transcribe's rules: whole words only, any case, `***` for mask
 * (https://docs.aws.amazon.com/transcribe/latest/dg/vocabulary-filter-create.html). Pure.
 */

export const MASK = "***";

/** A word: letters, marks, digits, and the apostrophes and hyphens inside it ("don't", "well-known"). */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu;

/** `text` with the listed words masked or removed; the rest (spacing, punctuation) as it was. */
export function filterText(text: string, words: readonly string[], method: WordFilterMethod): string {
  if (words.length === 0) return text;
  const listed = new Set(words.map((w) => w.toLocaleLowerCase()));
  const replaced = text.replace(WORD, (word) =>
    listed.has(word.toLocaleLowerCase()) ? (method === "mask" ? MASK : "") : word,
  );
  if (method === "mask" || replaced === text) return replaced;
  // A removed word leaves no double space, and no space before the punctuation after it.
  return replaced
    .replace(/[ \t]{2,}/g, " ")
    .replace(/ +([,.;:!?])/g, "$1")
    .trim();
}

/** The words to filter in `language`: its own list when the presenter gave one, else the source list. */
export function wordsFor(filter: WordFilter | undefined, language: string, sourceLanguage: string): readonly string[] {
  if (!filter) return [];
  if (language === sourceLanguage) return filter.words;
  return filter.targets[language] ?? filter.words;
}

/** The vocabulary filter's name: the deployment's (vocabulary) prefix and the session id. */
export function vocabularyFilterName(sessionId: string, prefix = "babelcast-"): string {
  return `${prefix}${sessionId}`;
}

export interface VocabularyFilterPlan {
  /** The Transcribe language the console streams in. */
  readonly languageCode: string;
  readonly words: readonly string[];
  /** Fingerprint of language and words: a changed list is written again. */
  readonly key: string;
}

/** English filter words may hold only letters, apostrophes, hyphens and periods (https://docs.aws.amazon.com/transcribe/latest/dg/charsets.html). */
const ENGLISH_FILTER_WORD = /^[A-Za-z'.-]{1,256}$/;

/**
 * What the session's vocabulary filter should hold; undefined when it should not exist (no
 * word, or none Transcribe takes: the backend still filters the text itself).
 */
export function vocabularyFilterPlan(session: {
  readonly sourceLanguage: string;
  readonly wordFilter?: WordFilter | undefined;
}): VocabularyFilterPlan | undefined {
  const languageCode = LANGUAGES.get(session.sourceLanguage)?.transcribe;
  if (!languageCode || !session.wordFilter) return undefined;
  const english = languageCode.startsWith("en-");
  const words = [...new Set(session.wordFilter.words.map((w) => w.toLocaleLowerCase()))].filter(
    (w) => !english || ENGLISH_FILTER_WORD.test(w),
  );
  if (words.length === 0) return undefined;
  const key = createHash("sha256")
    .update(JSON.stringify([languageCode, words]))
    .digest("base64url")
    .slice(0, 22);
  return { languageCode, words, key };
}
