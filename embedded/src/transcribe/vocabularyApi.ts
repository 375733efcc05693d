import type { IncomingMessage, ServerResponse } from "node:http";
import { PATHS } from "@babelcast/protocol";
import { z } from "zod";
import { type CallerDirectory, prefixedResource } from "../auth/callerDirectory.js";
import type { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { FaultSwitch } from "../faults.js";
import { answerAwsRequest, parseJsonObject, requireAllowed } from "../http/awsEndpoint.js";
import { AWS_JSON_1_1, AwsServiceError, sendAwsJson } from "../http/awsResponses.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { ListRequest, listPage, TranscribeResourceName } from "./transcribeResources.js";
import {
  isVocabularyFilterOperation,
  operateVocabularyFilter,
  parseVocabularyFilterRequest,
  type VocabularyFilterRequest,
} from "./vocabularyFilterApi.js";
import { phraseToWord, type StoredVocabulary, type VocabularyStore } from "./vocabularyStore.js";

/**
 * The custom-vocabulary and vocabulary-filter operations of Transcribe (JSON 1.1 protocol,
 * `X-Amz-Target: Transcribe.<Operation>`), enough for `@aws-sdk/client-transcribe` pointed at
 * the embedded endpoint: CreateVocabulary, UpdateVocabulary, GetVocabulary, DeleteVocabulary,
 * ListVocabularies, and the same five for vocabulary filters (vocabularyFilterApi.ts).
 * Vocabularies are READY at once and live in memory.
 */

const VocabularyRequest = z.object({
  VocabularyName: TranscribeResourceName,
  LanguageCode: z.string().optional(),
  Phrases: z.array(z.string().min(1).max(256)).max(50_000).optional(),
});

function listVocabularies(input: z.infer<typeof ListRequest>, store: VocabularyStore): unknown {
  // Every vocabulary here is READY.
  const { page, nextToken } =
    !input.StateEquals || input.StateEquals === "READY" ? listPage(input, store, "vocabulary:") : { page: [] };
  return {
    Vocabularies: page.map(describe),
    ...(input.StateEquals ? { Status: input.StateEquals } : {}),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

export interface VocabularyApiDeps {
  readonly vocabularies: VocabularyStore;
  readonly filters: VocabularyStore;
  readonly verifier: SigV4Verifier;
  readonly callers: CallerDirectory;
  readonly faults: FaultSwitch;
  readonly log: { error(message: string, fields?: Record<string, unknown>): void };
}

const describe = (v: StoredVocabulary) => ({
  VocabularyName: v.name,
  LanguageCode: v.languageCode,
  VocabularyState: "READY",
  LastModifiedTime: v.lastModified.getTime() / 1000,
});

function operate(operation: string, input: z.infer<typeof VocabularyRequest>, store: VocabularyStore): unknown {
  const { VocabularyName: name, LanguageCode: languageCode = "en-US", Phrases: phrases = [] } = input;
  const existing = store.get(name);
  const notFound = () => new AwsServiceError("NotFoundException", 400, `The vocabulary ${name} doesn't exist.`);
  switch (operation) {
    case "CreateVocabulary":
    case "UpdateVocabulary":
      if (operation === "CreateVocabulary" && existing)
        throw new AwsServiceError(
          "ConflictException",
          400,
          `The vocabulary ${name} already exists: update or delete it.`,
        );
      if (operation === "UpdateVocabulary" && !existing) throw notFound();
      if (languageCode !== "en-US")
        throw new AwsServiceError(
          "BadRequestException",
          400,
          `The embedded recognizer supports en-US only, not ${languageCode}.`,
        );
      return describe(store.put(name, languageCode, phrases.map(phraseToWord)));
    case "GetVocabulary":
      if (!existing) throw notFound();
      return describe(existing);
    case "DeleteVocabulary":
      if (!store.delete(name)) throw notFound();
      return {};
    default:
      throw new AwsServiceError(
        "UnknownOperationException",
        400,
        `The embedded Transcribe has no operation ${operation}.`,
      );
  }
}

/** Takes `POST /aws/transcribe[/]` JSON calls; returns false for anything else. */
export function handleVocabularyRequest(req: IncomingMessage, res: ServerResponse, deps: VocabularyApiDeps): boolean {
  const { path } = splitRequestTarget(req.url);
  if (path !== PATHS.transcribe && path !== `${PATHS.transcribe}/`) return false;
  // The console may run on another origin than the endpoint; calls are SigV4-signed, so any origin may ask.
  res.setHeader("access-control-allow-origin", "*");
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "authorization, content-type",
      "access-control-max-age": "600",
    });
    res.end();
    return true;
  }
  if (req.method !== "POST") return false;
  const internalError = () => new AwsServiceError("InternalFailureException", 500, "Injected fault: internal failure.");
  void answerAwsRequest(
    req,
    res,
    {
      verifier: deps.verifier,
      faults: deps.faults,
      maxBodyBytes: 256 * 1024,
      throttleError: () => new AwsServiceError("LimitExceededException", 400, "Injected fault: too many requests."),
      internalError,
      protocol: AWS_JSON_1_1,
      service: "transcribe",
      log: deps.log,
    },
    async (body) => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(/^Transcribe\./, "");
      const input = parseJsonObject(body);
      if (isVocabularyFilterOperation(operation)) {
        // Filter actions are authorized on the filter; ListVocabularyFilters on "*".
        const name = input.VocabularyFilterName;
        requireAllowed(deps.callers, req, {
          action: `transcribe:${operation}`,
          resource: operation === "ListVocabularyFilters" ? undefined : prefixedResource("vocabularyFilters", name),
          resourceName: typeof name === "string" ? `vocabularyfilter/${name}` : "*",
        });
        const request: VocabularyFilterRequest = parseVocabularyFilterRequest(operation, input);
        sendAwsJson(res, operateVocabularyFilter(request, deps.filters), AWS_JSON_1_1);
        return;
      }
      // Vocabulary actions are authorized on the vocabulary; ListVocabularies on "*".
      requireAllowed(deps.callers, req, {
        action: `transcribe:${operation}`,
        resource: operation === "ListVocabularies" ? undefined : prefixedResource("vocabularies", input.VocabularyName),
        resourceName: typeof input.VocabularyName === "string" ? `vocabulary/${input.VocabularyName}` : "*",
      });
      if (operation === "ListVocabularies") {
        const list = ListRequest.safeParse(input);
        if (!list.success) throw new AwsServiceError("BadRequestException", 400, z.prettifyError(list.error));
        sendAwsJson(res, listVocabularies(list.data, deps.vocabularies), AWS_JSON_1_1);
        return;
      }
      const parsed = VocabularyRequest.safeParse(input);
      if (!parsed.success) throw new AwsServiceError("BadRequestException", 400, z.prettifyError(parsed.error));
      sendAwsJson(res, operate(operation, parsed.data, deps.vocabularies), AWS_JSON_1_1);
    },
  );
  return true;
}
