import { LANGUAGE_CODES, type LanguageAvailability, type LanguagesResponse, languageInfo } from "@babelcast/protocol";

/**
 * What the current home's engines can do for each language, and why not: pure, from the
 * engine catalogue (read from the engines themselves, see `aws/engineCatalogue.ts`). A session
 * needs its source recognized and each target translated from the source; a target without
 * a voice is still served, as captions only.
 */

/**
 * Where the engines run: all offline on the embedded server, all on AWS (the cloud), or
 * hybrid (an embedded server translating with Amazon Translate; recognition and speech stay
 * the embedded ones, which the console streams to).
 */
export type EngineHome = "embedded" | "aws" | "hybrid";

export interface EngineCatalogue {
  readonly home: EngineHome;
  /** Product language codes the recognizer hears. */
  readonly recognition: ReadonlySet<string>;
  /** Product language codes the translation engine lists (any listed pair translates). */
  readonly translation: ReadonlySet<string>;
  /** Product language codes the speech engine has a voice for. */
  readonly speech: ReadonlySet<string>;
}

const EMBEDDED_ENGINES = {
  recognition: "embedded pocketsphinx",
  translation: "embedded Apertium",
  speech: "embedded eSpeak NG",
};

/** The engines of each home by name, as a person reads them in a reason. */
export const ENGINE_NAMES: Readonly<Record<EngineHome, { recognition: string; translation: string; speech: string }>> =
  {
    embedded: EMBEDDED_ENGINES,
    aws: { recognition: "Amazon Transcribe", translation: "Amazon Translate", speech: "Amazon Polly" },
    hybrid: { ...EMBEDDED_ENGINES, translation: "Amazon Translate" },
  };

function nameOf(code: string): string {
  return languageInfo(code)?.englishName ?? code;
}

/** The catalogue's languages in the table's order, or "none". */
function listed(codes: ReadonlySet<string>, except?: string): string {
  const list = LANGUAGE_CODES.filter((c) => codes.has(c) && c !== except);
  return list.length > 0 ? list.join(", ") : "none";
}

/** Why `code` cannot be a source here, or undefined when it can. */
export function recognitionGap(catalogue: EngineCatalogue, code: string): string | undefined {
  if (catalogue.recognition.has(code)) return undefined;
  const engine = ENGINE_NAMES[catalogue.home].recognition;
  return `no speech recognition for ${nameOf(code)} in this home (${engine} recognizes ${listed(catalogue.recognition)})`;
}

/** Why `target` cannot be translated from `source` here, or undefined when it can. */
export function translationGap(catalogue: EngineCatalogue, source: string, target: string): string | undefined {
  if (catalogue.translation.has(source) && catalogue.translation.has(target)) return undefined;
  const engine = ENGINE_NAMES[catalogue.home].translation;
  return `no translation engine from ${nameOf(source)} to ${nameOf(target)} in this home (${engine} has ${listed(catalogue.translation, source)})`;
}

/** Why `code` is captions only here, or undefined when it has a voice. */
export function speechGap(catalogue: EngineCatalogue, code: string): string | undefined {
  if (catalogue.speech.has(code)) return undefined;
  const engine = ENGINE_NAMES[catalogue.home].speech;
  return `no voice for ${nameOf(code)} in this home (${engine} speaks ${listed(catalogue.speech)})`;
}

/** One language as a target of a session in `source` (the source itself has no capability). */
export function languageAvailability(catalogue: EngineCatalogue, source: string, code: string): LanguageAvailability {
  const info = languageInfo(code);
  const recognition = recognitionGap(catalogue, code);
  const base = {
    code,
    englishName: info?.englishName ?? code,
    nativeName: info?.nativeName ?? code,
    recognition: recognition ? { available: false, reason: recognition } : { available: true },
  };
  if (code === source) return base;
  const untranslated = translationGap(catalogue, source, code);
  if (untranslated) return { ...base, capability: "unavailable", reason: untranslated };
  const silent = speechGap(catalogue, code);
  return silent ? { ...base, capability: "captions", reason: silent } : { ...base, capability: "speech" };
}

/** `GET /languages?source=xx`: every language of the table. */
export function languagesFor(catalogue: EngineCatalogue, source: string): LanguagesResponse {
  return {
    engineHome: catalogue.home,
    source,
    languages: LANGUAGE_CODES.map((code) => languageAvailability(catalogue, source, code)),
  };
}

/**
 * What stops a session in `source` to `targets` here, one line per language ("Japanese: no
 * translation engine from English to Japanese ..."); empty when every language is served.
 */
export function sessionLanguageGaps(catalogue: EngineCatalogue, source: string, targets: readonly string[]): string[] {
  const gaps: string[] = [];
  const unheard = recognitionGap(catalogue, source);
  if (unheard) gaps.push(`${nameOf(source)}: ${unheard}`);
  for (const target of targets) {
    const gap = translationGap(catalogue, source, target);
    if (gap) gaps.push(`${nameOf(target)}: ${gap}`);
  }
  return gaps;
}
