import { DescribeVoicesCommand, type DescribeVoicesCommandOutput, type PollyClient } from "@aws-sdk/client-polly";
import { ListLanguagesCommand, type ListLanguagesCommandOutput, type TranslateClient } from "@aws-sdk/client-translate";
import { LANGUAGES } from "@babelcast/protocol";
import type { EngineCatalogue, EngineHome } from "../services/languageCapabilities.js";

/**
 * The engine catalogue, read from the engines themselves the same way in both homes:
 * Translate `ListLanguages`, Polly `DescribeVoices`, and the recognizer's languages from the
 * function's settings (Transcribe has no list API). Engine metadata changes rarely, so each
 * container keeps what it read for a short while instead of asking on every request.
 */

/** How long a container trusts the catalogue it read. */
export const ENGINE_CATALOGUE_TTL_MS = 5 * 60_000;

/**
 * Transcribe streaming's languages among the table's (`LanguageInfo.transcribe`), from
 * https://docs.aws.amazon.com/transcribe/latest/dg/supported-languages.html: Transcribe has
 * no API that lists them, so the table is the documented list.
 */
export const AWS_RECOGNIZER_LANGUAGES: readonly string[] = [...LANGUAGES.values()]
  .filter((l) => l.transcribe !== null)
  .map((l) => l.code);

/** Which home's engines a function's settings name, and the languages its recognizer hears (a setting, not an API). */
export function engineSettingsOf(config: {
  readonly mode: "aws" | "embedded";
  readonly engineHome?: EngineHome;
  readonly recognizerLanguages?: readonly string[];
}): { home: EngineHome; recognizerLanguages: readonly string[] } {
  return {
    home: config.engineHome ?? (config.mode === "aws" ? "aws" : "embedded"),
    recognizerLanguages: config.recognizerLanguages ?? AWS_RECOGNIZER_LANGUAGES,
  };
}

/** The catalogue as far as the settings alone tell: recognition only (no engine asked). */
export function recognitionCatalogue(settings: {
  readonly home: EngineHome;
  readonly recognizerLanguages: readonly string[];
}): EngineCatalogue {
  return {
    home: settings.home,
    recognition: new Set(settings.recognizerLanguages.filter((c) => LANGUAGES.has(c))),
    translation: new Set(),
    speech: new Set(),
  };
}

/** The product languages a Translate language code stands for (`fr-CA` counts for `fr`). */
function translateLanguages(codes: readonly string[]): Set<string> {
  const bases = new Set(codes.map((c) => c.toLowerCase().split("-")[0]));
  return new Set([...LANGUAGES.values()].filter((l) => bases.has(l.translate)).map((l) => l.code));
}

/** The product languages whose Polly language code some voice speaks. */
function voicedLanguages(voiceLanguages: readonly string[]): Set<string> {
  const spoken = new Set(voiceLanguages);
  return new Set([...LANGUAGES.values()].filter((l) => l.polly && spoken.has(l.polly.languageCode)).map((l) => l.code));
}

export interface EngineCatalogueSources {
  readonly home: EngineHome;
  readonly translate: TranslateClient;
  readonly polly: PollyClient;
  /** Product language codes the recognizer hears (a setting: Transcribe has no list API). */
  readonly recognizerLanguages: readonly string[];
}

/** Reads every page of both lists (ListLanguages pages at up to 500, DescribeVoices by NextToken alone). */
export async function readEngineCatalogue(sources: EngineCatalogueSources): Promise<EngineCatalogue> {
  const translateCodes: string[] = [];
  let next: string | undefined;
  do {
    const page: ListLanguagesCommandOutput = await sources.translate.send(
      new ListLanguagesCommand({ MaxResults: 500, NextToken: next }),
    );
    for (const l of page.Languages ?? []) if (l.LanguageCode) translateCodes.push(l.LanguageCode);
    next = page.NextToken;
  } while (next);
  const voiceLanguages: string[] = [];
  next = undefined;
  do {
    const page: DescribeVoicesCommandOutput = await sources.polly.send(new DescribeVoicesCommand({ NextToken: next }));
    for (const v of page.Voices ?? []) {
      if (v.LanguageCode) voiceLanguages.push(v.LanguageCode);
      voiceLanguages.push(...(v.AdditionalLanguageCodes ?? []));
    }
    next = page.NextToken;
  } while (next);
  return {
    ...recognitionCatalogue(sources),
    translation: translateLanguages(translateCodes),
    speech: voicedLanguages(voiceLanguages),
  };
}

/**
 * The catalogue of one container: read on first use, kept for `ttlMs`, read again after. A
 * failed read is not kept. Concurrent callers share one read.
 */
export function cachedEngineCatalogue(
  read: () => Promise<EngineCatalogue>,
  now: () => number,
  ttlMs: number = ENGINE_CATALOGUE_TTL_MS,
): () => Promise<EngineCatalogue> {
  let held: { at: number; catalogue: Promise<EngineCatalogue> } | undefined;
  return () => {
    if (held && now() - held.at < ttlMs) return held.catalogue;
    const catalogue = read();
    const entry = { at: now(), catalogue };
    held = entry;
    catalogue.catch(() => {
      if (held === entry) held = undefined;
    });
    return catalogue;
  };
}
