import { type LanguagesResponse, languageInfo } from "@babelcast/protocol";

/**
 * Where an interpreted language's captions come from. Pure. Recognizing the interpreter needs
 * the home's recognizer to hear the language (`GET /languages`: `recognition.available`, e.g.
 * Transcribe streaming's languages in the cloud, English only offline); otherwise the captions
 * stay machine translation of the presenter's words, and the reason says which engine is missing.
 */
export type InterpreterCaptionSource =
  | { readonly kind: "recognition" }
  | { readonly kind: "translation"; readonly reason: string };

export function interpreterCaptionSource(
  availability: Pick<LanguagesResponse, "languages"> | undefined,
  language: string,
): InterpreterCaptionSource {
  const entry = availability?.languages.find((l) => l.code === language);
  if (!entry) return { kind: "translation", reason: "this home's recognizer languages are not known yet" };
  if (entry.recognition.available) return { kind: "recognition" };
  return { kind: "translation", reason: entry.recognition.reason ?? "this home's recognizer does not hear it" };
}

/** The interpreter panel's line for a language's captions. */
export function captionSourceText(language: string, source: InterpreterCaptionSource): string {
  const name = languageInfo(language)?.englishName ?? language;
  // Where the recognizer hears the language, the console recognizes the interpreter's microphone
  // while they speak (interpreterCaptions.ts); machine translation covers the time they do not.
  return source.kind === "translation"
    ? `Captions for ${name} come from machine translation: ${source.reason}.`
    : `Captions for ${name} come from the interpreter's recognized speech while they speak, else from machine translation.`;
}
