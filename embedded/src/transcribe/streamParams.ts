/**
 * The query parameters of a Transcribe streaming WebSocket URL, validated the way the
 * embedded recognizer can honour them. Pure: the endpoint turns a failure into a
 * BadRequestException frame.
 */

export type PartialResultsStability = "high" | "medium" | "low";

/** How a vocabulary filter's words show in results: `***`, gone, or unchanged but flagged. */
export type VocabularyFilterMethod = "mask" | "remove" | "tag";

export interface StreamParams {
  readonly languageCode: "en-US";
  readonly sampleRate: 16000;
  readonly mediaEncoding: "pcm";
  readonly stabilization: boolean;
  readonly stability: PartialResultsStability;
  readonly vocabularyNames: readonly string[];
  /** A vocabulary filter and how to apply it (`vocabulary-filter-name`, `vocabulary-filter-method`). */
  readonly vocabularyFilter: { readonly name: string; readonly method: VocabularyFilterMethod } | undefined;
  readonly sessionId: string | undefined;
}

export type StreamParamsResult =
  | { readonly ok: true; readonly params: StreamParams }
  | { readonly ok: false; readonly message: string };

export const SUPPORTED_LANGUAGES = ["en-US"] as const;
export const SUPPORTED_SAMPLE_RATE = 16000;

function bad(message: string): StreamParamsResult {
  return { ok: false, message };
}

export function parseStreamParams(query: URLSearchParams): StreamParamsResult {
  if (query.get("identify-language") === "true" || query.get("identify-multiple-languages") === "true") {
    // AWS would identify among LanguageOptions; offline there is one language to hear, so say so rather than guess.
    return bad(
      "Automatic language identification is not available offline: the embedded recognizer (pocketsphinx) hears English (en-US) only. Choose the source language by hand (LanguageCode en-US).",
    );
  }
  const languageCode = query.get("language-code");
  if (!languageCode) return bad("LanguageCode is required.");
  if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(languageCode)) {
    return bad(
      `The language code ${languageCode} is not supported by the embedded recognizer. Supported: ${SUPPORTED_LANGUAGES.join(", ")}.`,
    );
  }
  const mediaEncoding = query.get("media-encoding");
  if (mediaEncoding !== "pcm") {
    return bad(
      `The media encoding ${mediaEncoding ?? "(none)"} is not supported here: send pcm (signed 16-bit little-endian).`,
    );
  }
  const sampleRate = Number(query.get("sample-rate"));
  if (sampleRate !== SUPPORTED_SAMPLE_RATE) {
    return bad(
      `The sample rate ${query.get("sample-rate") ?? "(none)"} is not supported here: send ${SUPPORTED_SAMPLE_RATE} Hz mono audio.`,
    );
  }
  if (query.get("enable-channel-identification") === "true") {
    return bad("Channel identification is not supported by the embedded recognizer: send one channel.");
  }
  const stability = query.get("partial-results-stability") ?? "high";
  if (stability !== "high" && stability !== "medium" && stability !== "low") {
    return bad(`PartialResultsStability must be high, medium or low, got ${stability}.`);
  }
  // StartStreamTranscription: VocabularyFilterMethod is mask, remove or tag
  // (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_streaming_StartStreamTranscription.html).
  const filterName = query.get("vocabulary-filter-name") ?? undefined;
  const filterMethod = query.get("vocabulary-filter-method") ?? "mask";
  if (filterMethod !== "mask" && filterMethod !== "remove" && filterMethod !== "tag") {
    return bad(`VocabularyFilterMethod must be mask, remove or tag, got ${filterMethod}.`);
  }
  if (filterName !== undefined && !/^[0-9a-zA-Z._-]{1,200}$/.test(filterName)) {
    return bad(`VocabularyFilterName ${filterName} is not a valid name (letters, digits, . _ -, 1 to 200).`);
  }
  const names = [query.get("vocabulary-name"), ...(query.get("vocabulary-names") ?? "").split(",")]
    .map((n) => n?.trim() ?? "")
    .filter((n) => n.length > 0);
  return {
    ok: true,
    params: {
      languageCode: "en-US",
      sampleRate: SUPPORTED_SAMPLE_RATE,
      mediaEncoding: "pcm",
      stabilization:
        query.get("enable-partial-results-stabilization") === "true" || query.has("partial-results-stability"),
      stability,
      vocabularyNames: [...new Set(names)],
      vocabularyFilter: filterName !== undefined ? { name: filterName, method: filterMethod } : undefined,
      sessionId: query.get("session-id") ?? undefined,
    },
  };
}
