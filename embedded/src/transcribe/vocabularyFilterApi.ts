import { z } from "zod";
import { AwsServiceError } from "../http/awsResponses.js";
import { ListRequest, listPage, TranscribeResourceName } from "./transcribeResources.js";
import type { StoredVocabulary, VocabularyStore } from "./vocabularyStore.js";

/**
 * Transcribe's vocabulary-filter operations: CreateVocabularyFilter, UpdateVocabularyFilter,
 * GetVocabularyFilter, DeleteVocabularyFilter, ListVocabularyFilters, refusing what AWS refuses
 * (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_CreateVocabularyFilter.html,
 * https://docs.aws.amazon.com/transcribe/latest/dg/vocabulary-filter-create.html). Pure over the store.
 */

const OPERATIONS = [
  "CreateVocabularyFilter",
  "UpdateVocabularyFilter",
  "GetVocabularyFilter",
  "DeleteVocabularyFilter",
  "ListVocabularyFilters",
] as const;
type FilterOperation = (typeof OPERATIONS)[number];

export function isVocabularyFilterOperation(operation: string): operation is FilterOperation {
  return (OPERATIONS as readonly string[]).includes(operation);
}

/**
 * One entry, one word (phrases are refused), 1 to 256 characters, from the en-US character set
 * of custom vocabularies: letters, apostrophe, hyphen, period
 * (https://docs.aws.amazon.com/transcribe/latest/dg/charsets.html).
 */
const FilterWord = z
  .string()
  .min(1)
  .max(256)
  .refine((w) => !/\s/.test(w), "Words: each entry must be one word (no spaces)")
  .refine((w) => /^[A-Za-z'.-]+$/.test(w), "Words: only the en-US character set (letters, ' - .) is allowed");

/** AWS takes a word file of less than 50 KB; the same bound holds for the inline list here. */
const MAX_WORDS_BYTES = 50 * 1024;

const WordsSource = z
  .object({
    VocabularyFilterName: TranscribeResourceName,
    Words: z.array(FilterWord).min(1).optional(),
    VocabularyFilterFileUri: z.string().min(1).max(2000).optional(),
    DataAccessRoleArn: z.string().optional(),
  })
  .refine((r) => (r.Words === undefined) !== (r.VocabularyFilterFileUri === undefined), {
    message: "Give either Words or VocabularyFilterFileUri, not both and not neither.",
  })
  .refine((r) => Buffer.byteLength((r.Words ?? []).join("\n")) < MAX_WORDS_BYTES, {
    message: "Words: the list must be less than 50 KB.",
  });

const CreateRequest = z.intersection(WordsSource, z.object({ LanguageCode: z.string().min(1) }));
const NameRequest = z.object({ VocabularyFilterName: TranscribeResourceName });

export type VocabularyFilterRequest =
  | { readonly operation: "CreateVocabularyFilter"; readonly input: z.infer<typeof CreateRequest> }
  | { readonly operation: "UpdateVocabularyFilter"; readonly input: z.infer<typeof WordsSource> }
  | {
      readonly operation: "GetVocabularyFilter" | "DeleteVocabularyFilter";
      readonly input: z.infer<typeof NameRequest>;
    }
  | { readonly operation: "ListVocabularyFilters"; readonly input: z.infer<typeof ListRequest> };

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AwsServiceError("BadRequestException", 400, z.prettifyError(parsed.error));
  return parsed.data;
}

/** The request checked as AWS checks it; BadRequestException otherwise. */
export function parseVocabularyFilterRequest(operation: FilterOperation, input: unknown): VocabularyFilterRequest {
  switch (operation) {
    case "CreateVocabularyFilter":
      return { operation, input: parse(CreateRequest, input) };
    case "UpdateVocabularyFilter":
      return { operation, input: parse(WordsSource, input) };
    case "GetVocabularyFilter":
    case "DeleteVocabularyFilter":
      return { operation, input: parse(NameRequest, input) };
    case "ListVocabularyFilters":
      return { operation, input: parse(ListRequest, input) };
  }
}

const describe = (f: StoredVocabulary) => ({
  VocabularyFilterName: f.name,
  LanguageCode: f.languageCode,
  LastModifiedTime: f.lastModified.getTime() / 1000,
});

function wordsOf(input: { readonly Words?: readonly string[]; readonly VocabularyFilterFileUri?: string }) {
  if (input.VocabularyFilterFileUri !== undefined || !input.Words)
    throw new AwsServiceError(
      "BadRequestException",
      400,
      "The embedded Transcribe has no S3: give the words inline (Words), not VocabularyFilterFileUri.",
    );
  return input.Words.map((word) => ({ word }));
}

export function operateVocabularyFilter(request: VocabularyFilterRequest, store: VocabularyStore): unknown {
  const notFound = (name: string) =>
    new AwsServiceError("NotFoundException", 400, `The vocabulary filter ${name} doesn't exist.`);
  switch (request.operation) {
    case "CreateVocabularyFilter": {
      const { VocabularyFilterName: name, LanguageCode: languageCode } = request.input;
      if (store.get(name))
        throw new AwsServiceError(
          "ConflictException",
          400,
          `The vocabulary filter ${name} already exists: update or delete it.`,
        );
      if (languageCode !== "en-US")
        throw new AwsServiceError(
          "BadRequestException",
          400,
          `The embedded recognizer supports en-US only, not ${languageCode}.`,
        );
      return describe(store.put(name, languageCode, wordsOf(request.input)));
    }
    case "UpdateVocabularyFilter": {
      const name = request.input.VocabularyFilterName;
      const existing = store.get(name);
      if (!existing) throw notFound(name);
      return describe(store.put(name, existing.languageCode, wordsOf(request.input)));
    }
    case "GetVocabularyFilter": {
      const existing = store.get(request.input.VocabularyFilterName);
      if (!existing) throw notFound(request.input.VocabularyFilterName);
      // AWS adds DownloadUri, a presigned S3 link to the word list; there is no S3 here.
      return describe(existing);
    }
    case "DeleteVocabularyFilter":
      if (!store.delete(request.input.VocabularyFilterName)) throw notFound(request.input.VocabularyFilterName);
      return {};
    case "ListVocabularyFilters": {
      const { page, nextToken } = listPage(request.input, store, "vocabularyfilter:");
      return { VocabularyFilters: page.map(describe), ...(nextToken ? { NextToken: nextToken } : {}) };
    }
  }
}
