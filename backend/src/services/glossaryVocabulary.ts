import { createHash } from "node:crypto";
import { type GlossaryEntry, LANGUAGES } from "@babelcast/protocol";

/**
 * A session's glossary as a Transcribe custom vocabulary, which biases recognition toward its
 * terms. The owner function keeps it (the console's role may only stream), named from the
 * session id with the deployment's prefix, which IAM scopes the vocabulary actions to. Pure.
 */

/** The vocabulary's name: the deployment's prefix and the session id. */
export function glossaryVocabularyName(sessionId: string, prefix = "babelcast-"): string {
  return `${prefix}${sessionId}`;
}

/**
 * Glossary terms as Transcribe phrases: words of a multi-word term joined by hyphens, only
 * letters, apostrophes and periods kept (digits and symbols are refused for English), no
 * duplicates, at most 256 characters each
 * (https://docs.aws.amazon.com/transcribe/latest/dg/custom-vocabulary-create-list.html).
 */
export function vocabularyPhrases(terms: readonly string[]): string[] {
  const phrases = new Set<string>();
  for (const term of terms) {
    const phrase = term
      .normalize("NFC")
      .replace(/[^\p{L}'.\s-]/gu, " ")
      .trim()
      .split(/[\s-]+/)
      .filter(Boolean)
      .join("-")
      .slice(0, 256);
    if (phrase) phrases.add(phrase);
  }
  return [...phrases];
}

export interface VocabularyPlan {
  /** The Transcribe language the console streams in (the same table the console reads). */
  readonly languageCode: string;
  readonly phrases: readonly string[];
  /** Fingerprint of language and phrases: a changed glossary is built again. */
  readonly key: string;
}

/**
 * What the session's vocabulary should hold; undefined when it should not exist (no usable
 * phrase, or a source language whose phrase rules differ from English's).
 */
export function vocabularyPlan(session: {
  readonly sourceLanguage: string;
  readonly glossary: readonly GlossaryEntry[];
}): VocabularyPlan | undefined {
  const languageCode = LANGUAGES.get(session.sourceLanguage)?.transcribe;
  if (!languageCode?.startsWith("en-")) return undefined;
  const phrases = vocabularyPhrases(session.glossary.map((g) => g.source));
  if (phrases.length === 0) return undefined;
  const key = createHash("sha256")
    .update(JSON.stringify([languageCode, phrases]))
    .digest("base64url")
    .slice(0, 22);
  return { languageCode, phrases, key };
}
