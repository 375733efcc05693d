import { LANGUAGES, languageInfo } from "@babelcast/protocol";
import type { LanguageIdentification } from "./transcribeClient.js";

/**
 * Automatic language identification's request from the session's languages, and the product
 * language an identified Transcribe code stands for. Pure.
 *
 * Transcribe streaming takes two or more LanguageOptions, one dialect per language, and does
 * not recommend more than five; PreferredLanguage must be one of them:
 * https://docs.aws.amazon.com/transcribe/latest/APIReference/API_streaming_StartStreamTranscription.html
 */
export const MAX_LANGUAGE_OPTIONS = 5;

export type IdentificationPlan =
  | { readonly ok: true; readonly identify: LanguageIdentification }
  | { readonly ok: false; readonly message: string };

/** The source first (preferred), then the targets Transcribe hears, at most five in all. */
export function identificationPlan(source: string, targets: readonly string[]): IdentificationPlan {
  const codes = [...new Set([source, ...targets])]
    .map((code) => languageInfo(code)?.transcribe)
    .filter((code): code is string => typeof code === "string")
    .slice(0, MAX_LANGUAGE_OPTIONS);
  const preferred = languageInfo(source)?.transcribe;
  if (!preferred || codes.length < 2) {
    return {
      ok: false,
      message:
        "automatic language identification needs at least two languages speech recognition hears: add a target language the presenter may speak, or choose the source language by hand",
    };
  }
  return { ok: true, identify: { languageOptions: codes, preferredLanguage: preferred } };
}

/** The product language of a Transcribe language code (`es-US` → `es`), or undefined. */
export function productLanguageOf(transcribeCode: string): string | undefined {
  for (const info of LANGUAGES.values()) if (info.transcribe === transcribeCode) return info.code;
  return undefined;
}
