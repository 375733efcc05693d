import { z } from "zod";

/** A language code as the product uses it: ISO 639-1, lower case (the key of the table). */
export const LanguageCode = z.string().regex(/^[a-z]{2}$/, "must be a two-letter language code such as en or es");
export type LanguageCode = z.infer<typeof LanguageCode>;

export type PollyEngine = "neural" | "standard";

export interface LanguageInfo {
  readonly code: string;
  /** The language's name in itself, as a listener looks for it. */
  readonly nativeName: string;
  readonly englishName: string;
  /** Transcribe streaming language code, or null when Transcribe cannot recognize it. */
  readonly transcribe: string | null;
  /** Translate language code (Translate supports every language in this table). */
  readonly translate: string;
  /** Default Polly voice and the best engine it has; null when Polly has no voice. */
  readonly polly: { readonly voiceId: string; readonly languageCode: string; readonly engine: PollyEngine } | null;
  readonly embedded: {
    /** The offline recognizer (pocketsphinx) has an acoustic model for it. */
    readonly recognize: boolean;
    /** Apertium route from English, as a chain of installed modes; null when no route. */
    readonly translateFromEnglish: readonly string[] | null;
    /** eSpeak NG voice name. */
    readonly espeakVoice: string;
  };
}

// Why these voices: neural where Polly has one (lower latency variance, better prosody),
// standard otherwise. Checked against Polly's voice list.
const table: readonly LanguageInfo[] = [
  {
    code: "en",
    nativeName: "English",
    englishName: "English",
    transcribe: "en-US",
    translate: "en",
    polly: { voiceId: "Joanna", languageCode: "en-US", engine: "neural" },
    embedded: { recognize: true, translateFromEnglish: [], espeakVoice: "en-us" },
  },
  {
    code: "es",
    nativeName: "Español",
    englishName: "Spanish",
    transcribe: "es-US",
    translate: "es",
    polly: { voiceId: "Lupe", languageCode: "es-US", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: ["eng-spa"], espeakVoice: "es" },
  },
  {
    code: "fr",
    nativeName: "Français",
    englishName: "French",
    transcribe: "fr-FR",
    translate: "fr",
    polly: { voiceId: "Lea", languageCode: "fr-FR", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: ["eng-spa", "es-fr"], espeakVoice: "fr" },
  },
  {
    code: "pt",
    nativeName: "Português",
    englishName: "Portuguese",
    transcribe: "pt-BR",
    translate: "pt",
    polly: { voiceId: "Camila", languageCode: "pt-BR", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: ["eng-spa", "es-pt"], espeakVoice: "pt-br" },
  },
  {
    code: "ca",
    nativeName: "Català",
    englishName: "Catalan",
    transcribe: null,
    translate: "ca",
    polly: { voiceId: "Arlet", languageCode: "ca-ES", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: ["eng-cat"], espeakVoice: "ca" },
  },
  {
    code: "de",
    nativeName: "Deutsch",
    englishName: "German",
    transcribe: "de-DE",
    translate: "de",
    polly: { voiceId: "Vicki", languageCode: "de-DE", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "de" },
  },
  {
    code: "it",
    nativeName: "Italiano",
    englishName: "Italian",
    transcribe: "it-IT",
    translate: "it",
    polly: { voiceId: "Bianca", languageCode: "it-IT", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: ["eng-spa", "spa-ita"], espeakVoice: "it" },
  },
  {
    code: "nl",
    nativeName: "Nederlands",
    englishName: "Dutch",
    transcribe: "nl-NL",
    translate: "nl",
    polly: { voiceId: "Laura", languageCode: "nl-NL", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "nl" },
  },
  {
    code: "pl",
    nativeName: "Polski",
    englishName: "Polish",
    transcribe: "pl-PL",
    translate: "pl",
    polly: { voiceId: "Ola", languageCode: "pl-PL", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "pl" },
  },
  {
    code: "ru",
    nativeName: "Русский",
    englishName: "Russian",
    transcribe: "ru-RU",
    translate: "ru",
    polly: { voiceId: "Tatyana", languageCode: "ru-RU", engine: "standard" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "ru" },
  },
  {
    code: "tr",
    nativeName: "Türkçe",
    englishName: "Turkish",
    transcribe: "tr-TR",
    translate: "tr",
    polly: { voiceId: "Burcu", languageCode: "tr-TR", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "tr" },
  },
  {
    code: "ar",
    nativeName: "العربية",
    englishName: "Arabic",
    transcribe: "ar-SA",
    translate: "ar",
    polly: { voiceId: "Zeina", languageCode: "arb", engine: "standard" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "ar" },
  },
  {
    code: "hi",
    nativeName: "हिन्दी",
    englishName: "Hindi",
    transcribe: "hi-IN",
    translate: "hi",
    polly: { voiceId: "Kajal", languageCode: "hi-IN", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "hi" },
  },
  {
    code: "ja",
    nativeName: "日本語",
    englishName: "Japanese",
    transcribe: "ja-JP",
    translate: "ja",
    polly: { voiceId: "Takumi", languageCode: "ja-JP", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "ja" },
  },
  {
    code: "ko",
    nativeName: "한국어",
    englishName: "Korean",
    transcribe: "ko-KR",
    translate: "ko",
    polly: { voiceId: "Seoyeon", languageCode: "ko-KR", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "ko" },
  },
  {
    code: "zh",
    nativeName: "中文",
    englishName: "Chinese (Mandarin)",
    transcribe: "zh-CN",
    translate: "zh",
    polly: { voiceId: "Zhiyu", languageCode: "cmn-CN", engine: "neural" },
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "cmn" },
  },
  {
    code: "uk",
    nativeName: "Українська",
    englishName: "Ukrainian",
    transcribe: "uk-UA",
    translate: "uk",
    polly: null,
    embedded: { recognize: false, translateFromEnglish: null, espeakVoice: "uk" },
  },
];

export const LANGUAGES: ReadonlyMap<string, LanguageInfo> = new Map(table.map((l) => [l.code, l]));

/** Every language code the product knows, in table order. */
export const LANGUAGE_CODES: readonly string[] = table.map((l) => l.code);

export function languageInfo(code: string): LanguageInfo | undefined {
  return LANGUAGES.get(code);
}

/** A language code that the table knows; use in schemas of requests and messages. */
export const KnownLanguage = LanguageCode.refine((c) => LANGUAGES.has(c), {
  message: `unknown language; supported: ${LANGUAGE_CODES.join(", ")}`,
});
