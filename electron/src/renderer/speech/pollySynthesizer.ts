import { type Engine, PollyClient, SynthesizeSpeechCommand, type VoiceId } from "@aws-sdk/client-polly";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { type ConfigDocument, LANGUAGES, type SessionOwnerView } from "@babelcast/protocol";
import { consoleAwsCredentials } from "../auth/awsCredentials.js";
import type { AwsAccess } from "../stores/signInStore.js";
import { pollyTexts } from "./pollyText.js";
import { pcm16ToFloat32 } from "./speechScheduler.js";

export interface SpeechVoice {
  readonly voiceId: string;
  readonly engine: "standard" | "neural";
}

/**
 * PCM at 16 kHz: signed 16-bit mono little-endian, no decoding and an exact duration (the
 * lag controller learns from it). Polly's pcm rates are 8000 and 16000:
 * https://docs.aws.amazon.com/sdk-for-sap-abap/v1/api/latest/ply/operation/SYNTHESIZESPEECH.html
 */
export const SPEECH_SAMPLE_RATE = 16_000;

/** Speaks `text` with `voice` at `rate` (1 = normal); resolves with samples at SPEECH_SAMPLE_RATE. */
export type Synthesize = (text: string, voice: SpeechVoice, rate: number) => Promise<Float32Array>;

/** The session's voice for `language`: the presenter's choice, else the language table's. */
export function voiceFor(session: SessionOwnerView, language: string): SpeechVoice | undefined {
  const polly = LANGUAGES.get(language)?.polly;
  const chosen = session.voices[language];
  if (chosen) return { voiceId: chosen, engine: polly?.engine ?? "standard" };
  return polly ? { voiceId: polly.voiceId, engine: polly.engine } : undefined;
}

/** Polly in AWS, or the embedded server's Polly-compatible endpoint (config's `endpoints.polly`). */
export function createPollyClient(options: {
  region: string;
  endpoint?: string;
  credentials: AwsCredentialIdentityProvider;
}): PollyClient {
  return new PollyClient({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}

export function pollySynthesizer(client: PollyClient): Synthesize {
  return async (text, voice, rate) => {
    const pieces: Float32Array[] = [];
    for (const request of pollyTexts(text, rate)) {
      const out = await client.send(
        new SynthesizeSpeechCommand({
          ...request,
          VoiceId: voice.voiceId as VoiceId,
          Engine: voice.engine as Engine,
          OutputFormat: "pcm",
          SampleRate: String(SPEECH_SAMPLE_RATE),
        }),
      );
      pieces.push(pcm16ToFloat32((await out.AudioStream?.transformToByteArray()) ?? new Uint8Array()));
    }
    if (pieces.length === 1) return pieces[0] as Float32Array;
    const all = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of pieces) {
      all.set(p, offset);
      offset += p.length;
    }
    return all;
  };
}

/** The console's synthesizer for a session: Polly with the same credentials as Transcribe. */
export function consolePollySynthesizer(config: ConfigDocument, access: AwsAccess): Synthesize {
  return pollySynthesizer(
    createPollyClient({
      region: config.region,
      ...(config.endpoints?.polly ? { endpoint: config.endpoints.polly } : {}),
      credentials: consoleAwsCredentials(config, access),
    }),
  );
}
