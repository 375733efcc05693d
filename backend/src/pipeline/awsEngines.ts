import { type PollyClient, SynthesizeSpeechCommand } from "@aws-sdk/client-polly";
import { type TranslateClient, TranslateTextCommand } from "@aws-sdk/client-translate";
import { LANGUAGES, type SpeechFormat } from "@babelcast/protocol";
import type { PipelineEngines, SynthesizedSpeech, VoiceChoice } from "./pipelineDeps.js";

/**
 * The real translate and synthesize dependencies: thin adapters over the Translate and
 * Polly SDK clients. The clients point at AWS or at the embedded endpoints (Apertium,
 * eSpeak NG); the calls are the same.
 */

/**
 * Speech format for the console: mp3 at 16 kHz. Why: a 4-second segment is ≈ 12 KB
 * (pcm would be 128 KB, over API Gateway's 32 KB WebSocket frame and near its 128 KB
 * message limit), the console decodes it with decodeAudioData in a few ms, and LAME adds
 * no more than one frame (36 ms) of delay.
 */
export const SPEECH_OUTPUT: { readonly format: SpeechFormat; readonly sampleRate: number } = {
  format: "mp3",
  sampleRate: 16000,
};

export function translateWith(client: TranslateClient): PipelineEngines["translate"] {
  return async (text, from, to, terminologyName) => {
    const out = await client.send(
      new TranslateTextCommand({
        Text: text,
        SourceLanguageCode: LANGUAGES.get(from)?.translate ?? from,
        TargetLanguageCode: LANGUAGES.get(to)?.translate ?? to,
        ...(terminologyName ? { TerminologyNames: [terminologyName] } : {}),
      }),
    );
    return out.TranslatedText ?? "";
  };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);
}

/** Text for Polly: plain at the normal rate, SSML `<prosody rate>` when the lag controller speeds it up. */
export function speechRequestText(text: string, rate: number): { Text: string; TextType: "text" | "ssml" } {
  if (rate === 1) return { Text: text, TextType: "text" };
  return {
    Text: `<speak><prosody rate="${Math.round(rate * 100)}%">${escapeXml(text)}</prosody></speak>`,
    TextType: "ssml",
  };
}

export function synthesizeWith(
  client: PollyClient,
  output: { format: SpeechFormat; sampleRate: number } = SPEECH_OUTPUT,
): PipelineEngines["synthesize"] {
  return async (text: string, _language: string, voice: VoiceChoice, rate: number): Promise<SynthesizedSpeech> => {
    const out = await client.send(
      new SynthesizeSpeechCommand({
        ...speechRequestText(text, rate),
        VoiceId: voice.voiceId as never,
        Engine: voice.engine,
        OutputFormat: output.format,
        SampleRate: String(output.sampleRate),
      }),
    );
    const audio = (await out.AudioStream?.transformToByteArray()) ?? new Uint8Array();
    return { audio, format: output.format, sampleRate: output.sampleRate };
  };
}

/** The language table's voice per language (those Polly can speak). */
export function defaultVoices(languages: readonly string[]): Record<string, VoiceChoice> {
  const voices: Record<string, VoiceChoice> = {};
  for (const code of languages) {
    const polly = LANGUAGES.get(code)?.polly;
    if (polly) voices[code] = { voiceId: polly.voiceId, engine: polly.engine };
  }
  return voices;
}
