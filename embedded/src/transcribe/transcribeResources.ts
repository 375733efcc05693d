import { z } from "zod";
import { AwsServiceError } from "../http/awsResponses.js";
import type { StoredVocabulary, VocabularyStore } from "./vocabularyStore.js";

/** What the vocabulary and vocabulary-filter operations share: names and paged listing. */

/** Names of vocabularies and filters alike (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_CreateVocabularyFilter.html). */
export const TranscribeResourceName = z
  .string()
  .regex(/^[0-9a-zA-Z._-]{1,200}$/, "the name: letters, digits, . _ - (1 to 200)");

/**
 * ListVocabularies (and ListVocabularyFilters, without StateEquals) as AWS takes it: MaxResults
 * 1 to 100, NextToken, NameContains
 * (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_ListVocabularies.html,
 * https://docs.aws.amazon.com/transcribe/latest/APIReference/API_ListVocabularyFilters.html).
 */
export const ListRequest = z.object({
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().max(8192).optional(),
  NameContains: z
    .string()
    .regex(/^[0-9a-zA-Z._-]{1,200}$/)
    .optional(),
  StateEquals: z.enum(["PENDING", "READY", "FAILED"]).optional(),
});

/** AWS does not document the page size without MaxResults; this one is small enough that paging shows. */
const LIST_DEFAULT_PAGE = 5;

/** One page of a store's entries by name; `tag` keeps a vocabulary's token from paging filters. */
export function listPage(
  input: z.infer<typeof ListRequest>,
  store: VocabularyStore,
  tag: string,
): { page: StoredVocabulary[]; nextToken?: string } {
  // NameContains is case-insensitive on AWS.
  const matching = store
    .list()
    .filter((v) => !input.NameContains || v.name.toLowerCase().includes(input.NameContains.toLowerCase()))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let start = 0;
  if (input.NextToken !== undefined) {
    const after = Buffer.from(input.NextToken, "base64url").toString();
    if (!after.startsWith(tag)) throw new AwsServiceError("BadRequestException", 400, "The NextToken is not valid.");
    const index = matching.findIndex((v) => v.name > after.slice(tag.length));
    start = index < 0 ? matching.length : index;
  }
  const max = input.MaxResults ?? LIST_DEFAULT_PAGE;
  const page = matching.slice(start, start + max);
  const more = start + max < matching.length;
  return {
    page,
    ...(more ? { nextToken: Buffer.from(`${tag}${page[page.length - 1]?.name}`).toString("base64url") } : {}),
  };
}
