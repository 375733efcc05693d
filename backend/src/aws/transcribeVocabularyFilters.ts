import {
  CreateVocabularyFilterCommand,
  DeleteVocabularyFilterCommand,
  type LanguageCode,
  paginateListVocabularyFilters,
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

/**
 * The account's vocabulary filters in this Region whose name holds `nameContains`, page by page
 * (MaxResults up to 100, NextToken:
 * https://docs.aws.amazon.com/transcribe/latest/APIReference/API_ListVocabularyFilters.html).
 */
export async function listVocabularyFilters(
  client: TranscribeClient,
  nameContains: string,
): Promise<{ readonly name: string; readonly createdAt?: number }[]> {
  const found: { name: string; createdAt?: number }[] = [];
  for await (const page of paginateListVocabularyFilters({ client, pageSize: 100 }, { NameContains: nameContains })) {
    for (const f of page.VocabularyFilters ?? []) {
      // Transcribe reports the last change only: a filter is at least that old.
      if (f.VocabularyFilterName)
        found.push({
          name: f.VocabularyFilterName,
          ...(f.LastModifiedTime ? { createdAt: f.LastModifiedTime.getTime() } : {}),
        });
    }
  }
  return found;
}
