import {
  CreateVocabularyCommand,
  GetVocabularyCommand,
  type TranscribeClient,
  UpdateVocabularyCommand,
} from "@aws-sdk/client-transcribe";

/**
 * The session glossary as a Transcribe custom vocabulary, which biases recognition toward its
 * terms (in embedded mode the recognizer adds the words it does not know).
 */

/**
 * Glossary terms as Transcribe phrases: words of a multi-word term joined by hyphens, only
 * letters, apostrophes and periods kept (digits and symbols are refused for en-US), no
 * duplicates, at most 256 characters each. Pure.
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

/** Creates or updates the vocabulary and waits until Transcribe can use it (minutes on AWS, at once locally). */
export async function ensureGlossaryVocabulary(
  client: TranscribeClient,
  name: string,
  terms: readonly string[],
  options: { languageCode?: string; pollMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const input = {
    VocabularyName: name,
    LanguageCode: (options.languageCode ?? "en-US") as "en-US",
    Phrases: vocabularyPhrases(terms),
  };
  try {
    await client.send(new CreateVocabularyCommand(input));
  } catch (err) {
    if ((err as Error).name !== "ConflictException") throw err;
    await client.send(new UpdateVocabularyCommand(input));
  }
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const { VocabularyState: state, FailureReason: reason } = await client.send(
      new GetVocabularyCommand({ VocabularyName: name }),
    );
    if (state === "READY") return;
    if (state === "FAILED")
      throw new Error(`Transcribe could not build the glossary vocabulary: ${reason ?? "no reason given"}`);
    if (Date.now() > deadline)
      throw new Error(`the glossary vocabulary ${name} is not ready yet: start without it, or retry later`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 5000));
  }
}
