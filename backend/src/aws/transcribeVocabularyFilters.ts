import {
  CreateVocabularyFilterCommand,
  DeleteVocabularyFilterCommand,
  type LanguageCode,
  type TranscribeClient,
  UpdateVocabularyFilterCommand,
} from "@aws-sdk/client-transcribe";

/**
 * Session word filters as Transcribe vocabulary filters, through the SDK client (AWS, or the
 * embedded recognizer's API). A filter is usable as soon as the call returns: it has no state
 * (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_CreateVocabularyFilter.html).
 */

const errorName = (err: unknown) => (err as { name?: string }).name;

/** Creates the filter, or replaces its words when it exists (CreateVocabularyFilter answers ConflictException). */
export async function putVocabularyFilter(
  client: TranscribeClient,
  name: string,
  languageCode: string,
  words: readonly string[],
): Promise<void> {
  try {
    await client.send(
      new CreateVocabularyFilterCommand({
        VocabularyFilterName: name,
        LanguageCode: languageCode as LanguageCode,
        Words: [...words],
      }),
    );
  } catch (err) {
    if (errorName(err) !== "ConflictException") throw err;
    await client.send(new UpdateVocabularyFilterCommand({ VocabularyFilterName: name, Words: [...words] }));
  }
}

/** Deletes the filter; one already gone counts as deleted. */
export async function deleteVocabularyFilter(client: TranscribeClient, name: string): Promise<void> {
  try {
    await client.send(new DeleteVocabularyFilterCommand({ VocabularyFilterName: name }));
  } catch (err) {
    if (errorName(err) !== "NotFoundException") throw err;
  }
}
