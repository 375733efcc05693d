import { readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { PATHS } from "@babelcast/protocol";
import { callersFor, prefixedResource } from "../auth/callerDirectory.js";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { FaultSwitch } from "../faults.js";
import { answerAwsRequest, parseJsonObject, requireAllowed } from "../http/awsEndpoint.js";
import { AWS_JSON_1_1, AwsServiceError, sendAwsJson } from "../http/awsResponses.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { underPrefix } from "../underPrefix.js";
import { apertiumLanguages } from "./apertiumRoutes.js";
import { ApertiumTranslator, UnsupportedPairError } from "./apertiumTranslator.js";
import {
  formatTerminologyFile,
  parseTerminologyFile,
  type Terminology,
  TerminologyFileError,
  termsFor,
} from "./terminology.js";
import { TRANSLATE_SETTINGS_SECTION, TranslateSettings } from "./translateSettings.js";

/**
 * Amazon Translate, emulated on Apertium: awsJson1.1 at `PATHS.translate`, the operations
 * Babelcast uses (TranslateText, ListLanguages, and custom terminology for the session
 * glossary), SigV4-verified, with the fault switch of the `translate` settings section.
 */

const TARGET_PREFIX = "AWSShineFrontendService_20170701.";
const TERMINOLOGY_FILE = "translate-terminologies.json";
/** AWS does not document ListTerminologies' page size without MaxResults; this one is small enough that paging shows. */
const LIST_TERMINOLOGIES_DEFAULT_PAGE = 100;
/** A NextToken names the last terminology of the page (names sort; a deleted one does not break the walk). */
const NEXT_TOKEN_TAG = "terminology:";

/** ImportTerminology accepts files up to 10 MB; base64 in JSON is 4/3 of that. */
const MAX_BODY_BYTES = 14 * 1024 * 1024;

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: "English",
  es: "Spanish",
  fr: "French",
  pt: "Portuguese",
  ca: "Catalan",
  it: "Italian",
  gl: "Galician",
  ro: "Romanian",
  eo: "Esperanto",
  oc: "Occitan",
  de: "German",
  nl: "Dutch",
};

export interface TranslateService extends EmbeddedService {
  readonly settings: TranslateSettings;
  readonly faults: FaultSwitch;
  readonly translator: ApertiumTranslator;
}

type Input = Record<string, unknown>;

function invalid(message: string): AwsServiceError {
  return new AwsServiceError("InvalidRequestException", 400, message);
}

function requiredString(input: Input, key: string): string {
  const v = input[key];
  if (typeof v !== "string" || v.length === 0) throw invalid(`${key} is required and must be a non-empty string.`);
  return v;
}

/** Translate codes may carry a region (`fr-CA`); Apertium routes go by the language. */
function baseLanguage(code: string): string {
  return code.toLowerCase().split("-")[0] ?? code;
}

export function createTranslateService(ctx: EmbeddedContext): TranslateService {
  const settings = settingsSection(ctx.settings, TRANSLATE_SETTINGS_SECTION, TranslateSettings);
  const faults = new FaultSwitch(settings.faults);
  const callers = callersFor(ctx);
  const verifier = new SigV4Verifier({
    credentials: ctx.credentials,
    resolveCredentials: (id) => callers.resolve(id),
    region: ctx.region,
    service: "translate",
  });
  const translator = new ApertiumTranslator({ timeoutMs: settings.engineTimeoutMs });
  const terminologyFile = join(ctx.dataDir, TERMINOLOGY_FILE);
  const terminologies = new Map<string, Terminology>();
  try {
    for (const t of JSON.parse(readFileSync(terminologyFile, "utf8")) as Terminology[]) terminologies.set(t.name, t);
  } catch {
    // none saved yet
  }
  const saveTerminologies = () => writeFileSync(terminologyFile, JSON.stringify([...terminologies.values()]));

  const arn = (name: string) => `arn:aws:translate:${ctx.region}:${ctx.accountId}:terminology/${name}/LATEST`;
  const properties = (t: Terminology) => ({
    Name: t.name,
    ...(t.description !== undefined ? { Description: t.description } : {}),
    Arn: arn(t.name),
    SourceLanguageCode: t.languages[0],
    TargetLanguageCodes: t.languages.slice(1),
    SizeBytes: t.sizeBytes,
    TermCount: t.rows.length,
    CreatedAt: t.createdAt / 1000,
    LastUpdatedAt: t.createdAt / 1000,
    Directionality: "UNI",
    Format: t.format,
  });
  const terminology = (name: unknown) => {
    const t = typeof name === "string" ? terminologies.get(name) : undefined;
    if (!t)
      throw new AwsServiceError("ResourceNotFoundException", 400, `The terminology ${String(name)} does not exist.`);
    return t;
  };

  const operations: Record<string, (input: Input) => Promise<unknown> | unknown> = {
    async TranslateText(input) {
      const text = requiredString(input, "Text");
      const sourceCode = requiredString(input, "SourceLanguageCode");
      const targetCode = requiredString(input, "TargetLanguageCode");
      if (Buffer.byteLength(text) > settings.maxTextBytes) {
        throw new AwsServiceError(
          "TextSizeLimitExceededException",
          400,
          `Input text size exceeds limit. Max length of request text allowed is ${settings.maxTextBytes} bytes.`,
        );
      }
      // Apertium cannot detect the language; the presenter's language is English here.
      const from = sourceCode === "auto" ? "en" : baseLanguage(sourceCode);
      const to = baseLanguage(targetCode);
      const names = Array.isArray(input.TerminologyNames) ? input.TerminologyNames : [];
      const chosen = names.map(terminology);
      const terms = chosen.flatMap((t) => termsFor(t, from, to));
      try {
        const result = await translator.translate(text, from, to, terms);
        return {
          TranslatedText: result.text,
          SourceLanguageCode: sourceCode === "auto" ? "en" : sourceCode,
          TargetLanguageCode: targetCode,
          ...(chosen.length > 0
            ? {
                AppliedTerminologies: chosen.map((t) => ({
                  Name: t.name,
                  Terms: result.appliedTerms
                    .filter((p) => termsFor(t, from, to).some((q) => q.source === p.source))
                    .map((p) => ({ SourceText: p.source, TargetText: p.target })),
                })),
              }
            : {}),
        };
      } catch (err) {
        if (err instanceof UnsupportedPairError) {
          throw new AwsServiceError(
            "UnsupportedLanguagePairException",
            400,
            `Unsupported language pair: ${sourceCode} to ${targetCode}. ${err.message}`,
          );
        }
        ctx.log.error("apertium failed", { error: String(err) });
        throw new AwsServiceError("ServiceUnavailableException", 503, `The translation engine failed: ${String(err)}`);
      }
    },

    ListLanguages() {
      return {
        Languages: apertiumLanguages(translator.modes).map((code) => ({
          LanguageCode: code,
          LanguageName: LANGUAGE_NAMES[code] ?? code,
        })),
        DisplayLanguageCode: "en",
      };
    },

    ImportTerminology(input) {
      const name = requiredString(input, "Name");
      if (!/^[A-Za-z0-9-]{1,256}$/.test(name)) throw invalid("Name must be 1 to 256 letters, digits or hyphens.");
      const data = input.TerminologyData as { File?: unknown; Format?: unknown } | undefined;
      if (typeof data?.File !== "string") throw invalid("TerminologyData.File is required.");
      if (data.Format !== "CSV" && data.Format !== "TSV") {
        throw invalid("TerminologyData.Format must be CSV or TSV here (TMX is not emulated).");
      }
      let parsed: Terminology;
      try {
        const description = typeof input.Description === "string" ? input.Description : undefined;
        parsed = parseTerminologyFile(name, data.Format, Buffer.from(data.File, "base64"), description);
      } catch (err) {
        if (err instanceof TerminologyFileError)
          throw new AwsServiceError("InvalidParameterValueException", 400, err.message);
        throw err;
      }
      terminologies.set(name, parsed);
      saveTerminologies();
      return { TerminologyProperties: properties(parsed) };
    },

    GetTerminology(input) {
      const t = terminology(input.Name);
      const file = Buffer.from(formatTerminologyFile(t)).toString("base64");
      return {
        TerminologyProperties: properties(t),
        // AWS answers a presigned S3 URL; the emulator has no S3, so the file rides in a data URL.
        TerminologyDataLocation: { RepositoryType: "S3", Location: `data:text/csv;base64,${file}` },
      };
    },

    // Pages as AWS does: MaxResults 1 to 500, and a NextToken while more remain
    // (https://docs.aws.amazon.com/translate/latest/APIReference/API_ListTerminologies.html).
    ListTerminologies(input) {
      const max = input.MaxResults ?? LIST_TERMINOLOGIES_DEFAULT_PAGE;
      if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 500)
        throw new AwsServiceError(
          "InvalidParameterValueException",
          400,
          "MaxResults must be an integer from 1 to 500.",
        );
      const sorted = [...terminologies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      let start = 0;
      if (input.NextToken !== undefined) {
        const after = typeof input.NextToken === "string" ? Buffer.from(input.NextToken, "base64url").toString() : "";
        if (!after.startsWith(NEXT_TOKEN_TAG))
          throw new AwsServiceError("InvalidParameterValueException", 400, "The NextToken is not valid.");
        const last = after.slice(NEXT_TOKEN_TAG.length);
        start = sorted.findIndex((t) => t.name > last);
        if (start < 0) start = sorted.length;
      }
      const page = sorted.slice(start, start + max);
      const more = start + max < sorted.length;
      return {
        TerminologyPropertiesList: page.map(properties),
        ...(more
          ? { NextToken: Buffer.from(`${NEXT_TOKEN_TAG}${page[page.length - 1]?.name}`).toString("base64url") }
          : {}),
      };
    },

    DeleteTerminology(input) {
      terminology(input.Name);
      terminologies.delete(input.Name as string);
      saveTerminologies();
      return {};
    },
  };

  const gate = {
    verifier,
    faults,
    maxBodyBytes: MAX_BODY_BYTES,
    throttleError: () => new AwsServiceError("TooManyRequestsException", 400, "Rate exceeded (injected fault)."),
    internalError: () => new AwsServiceError("InternalServerException", 500, "Internal error (injected fault)."),
    protocol: AWS_JSON_1_1,
    service: "Translate",
    log: ctx.log,
  };
  const answer = (req: IncomingMessage, res: ServerResponse) =>
    answerAwsRequest(req, res, gate, async (body) => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
      if (req.method !== "POST" || !operation) {
        throw new AwsServiceError(
          "UnknownOperationException",
          400,
          `Unknown operation ${target || "(no X-Amz-Target)"}.`,
        );
      }
      const input = parseJsonObject(body);
      const name = target.slice(TARGET_PREFIX.length);
      // Terminology actions are authorized on the terminology; TranslateText and ListTerminologies on "*".
      requireAllowed(callers, req, {
        action: `translate:${name}`,
        resource: name.endsWith("Terminology") ? prefixedResource("terminologies", input.Name) : undefined,
        resourceName: typeof input.Name === "string" ? arn(input.Name) : "*",
      });
      sendAwsJson(res, await operation(input), AWS_JSON_1_1);
    });

  const warmRoutes = settings.warmLanguages
    .map((lang) => translator.route("en", lang))
    .filter((r): r is string[] => r !== undefined);
  translator.warmUp(warmRoutes).catch((err) => ctx.log.warn("apertium warm-up failed", { error: String(err) }));

  return {
    name: "translate",
    settings,
    faults,
    translator,
    handleRequest(req, res) {
      if (!underPrefix(splitRequestTarget(req.url).path, PATHS.translate)) return false;
      void answer(req, res);
      return true;
    },
    close: () => translator.close(),
  };
}
