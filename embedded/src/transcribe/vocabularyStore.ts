import type { EmbeddedContext } from "../embeddedContext.js";
import type { VocabularyWord } from "./pocketsphinxRecognizer.js";

/**
 * Custom vocabularies (and vocabulary filters) of the embedded Transcribe, by name (as
 * `CreateVocabulary` and `CreateVocabularyFilter` make them on AWS). A stream that names a
 * vocabulary (`vocabulary-name`) gets its words added to the recognizer; one that names a
 * filter (`vocabulary-filter-name`) gets its words masked, removed or tagged in its results.
 */
export interface StoredVocabulary {
  readonly name: string;
  readonly languageCode: string;
  readonly words: readonly VocabularyWord[];
  readonly lastModified: Date;
}

/** Transcribe phrases join the words of a multi-word term with hyphens ("Los-Angeles"). */
export function phraseToWord(phrase: string): VocabularyWord {
  return { word: phrase.replace(/-/g, " ").trim() };
}

export class VocabularyStore {
  private readonly byName = new Map<string, StoredVocabulary>();

  put(name: string, languageCode: string, words: readonly VocabularyWord[], now = new Date()): StoredVocabulary {
    const stored = { name, languageCode, words, lastModified: now };
    this.byName.set(name, stored);
    return stored;
  }

  get(name: string): StoredVocabulary | undefined {
    return this.byName.get(name);
  }

  list(): StoredVocabulary[] {
    return [...this.byName.values()];
  }

  delete(name: string): boolean {
    return this.byName.delete(name);
  }
}

function storeOf(stores: WeakMap<EmbeddedContext, VocabularyStore>, ctx: EmbeddedContext): VocabularyStore {
  let store = stores.get(ctx);
  if (!store) {
    store = new VocabularyStore();
    stores.set(ctx, store);
  }
  return store;
}

const vocabularyStores = new WeakMap<EmbeddedContext, VocabularyStore>();
const filterStores = new WeakMap<EmbeddedContext, VocabularyStore>();

export function vocabulariesFor(ctx: EmbeddedContext): VocabularyStore {
  return storeOf(vocabularyStores, ctx);
}

/** Vocabulary filters (`CreateVocabularyFilter`), a namespace of their own: a filter may share a vocabulary's name. */
export function vocabularyFiltersFor(ctx: EmbeddedContext): VocabularyStore {
  return storeOf(filterStores, ctx);
}
