import {
  CreateVocabularyCommand,
  DeleteVocabularyCommand,
  GetVocabularyCommand,
  type LanguageCode,
  paginateListVocabularies,
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

/**
 * The account's vocabularies in this Region whose name holds `nameContains`, page by page
 * (ListVocabularies answers at most MaxResults, up to 100, and a NextToken for the rest:
 * https://docs.aws.amazon.com/transcribe/latest/APIReference/API_ListVocabularies.html).
 */
export async function listVocabularies(
  client: TranscribeClient,
  nameContains: string,
): Promise<{ readonly name: string; readonly createdAt?: number }[]> {
  const found: { name: string; createdAt?: number }[] = [];
  for await (const page of paginateListVocabularies({ client, pageSize: 100 }, { NameContains: nameContains })) {
    for (const v of page.Vocabularies ?? []) {
      // Transcribe reports the last change only: a vocabulary is at least that old.
      if (v.VocabularyName)
        found.push({
          name: v.VocabularyName,
          ...(v.LastModifiedTime ? { createdAt: v.LastModifiedTime.getTime() } : {}),
        });
    }
  }
  return found;
}
