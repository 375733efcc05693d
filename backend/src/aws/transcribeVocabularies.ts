import {
  CreateVocabularyCommand,
  DeleteVocabularyCommand,
  GetVocabularyCommand,
  type LanguageCode,
  type TranscribeClient,
  UpdateVocabularyCommand,
} from "@aws-sdk/client-transcribe";
import type { SessionVocabulary } from "@babelcast/protocol";

/**
 * Session glossaries as Transcribe custom vocabularies, through the SDK client (AWS, or the
 * embedded recognizer's vocabulary API). Building one takes minutes on AWS: callers ask for
 * its state rather than wait (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_GetVocabulary.html).
 */

const errorName = (err: unknown) => (err as { name?: string }).name;

/** Creates the vocabulary, or replaces its phrases when it exists (CreateVocabulary answers ConflictException). */
export async function putVocabulary(
  client: TranscribeClient,
  name: string,
  languageCode: string,
  phrases: readonly string[],
): Promise<void> {
  const input = { VocabularyName: name, LanguageCode: languageCode as LanguageCode, Phrases: [...phrases] };
  try {
    await client.send(new CreateVocabularyCommand(input));
  } catch (err) {
    if (errorName(err) !== "ConflictException") throw err;
    await client.send(new UpdateVocabularyCommand(input));
  }
}

/** The vocabulary's state; undefined when it does not exist (NotFoundException). */
export async function vocabularyState(client: TranscribeClient, name: string): Promise<SessionVocabulary | undefined> {
  try {
    const out = await client.send(new GetVocabularyCommand({ VocabularyName: name }));
    const state = out.VocabularyState === "READY" || out.VocabularyState === "FAILED" ? out.VocabularyState : "PENDING";
    return { name, state, ...(out.FailureReason ? { failureReason: out.FailureReason } : {}) };
  } catch (err) {
    if (errorName(err) === "NotFoundException") return undefined;
    throw err;
  }
}

/** Deletes the vocabulary; one already gone counts as deleted. */
export async function deleteVocabulary(client: TranscribeClient, name: string): Promise<void> {
  try {
    await client.send(new DeleteVocabularyCommand({ VocabularyName: name }));
  } catch (err) {
    if (errorName(err) !== "NotFoundException") throw err;
  }
}
