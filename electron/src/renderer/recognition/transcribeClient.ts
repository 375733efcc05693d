import {
  type AudioStream,
  type LanguageCode,
  type Result,
  StartStreamTranscriptionCommand,
  TranscribeStreamingClient,
} from "@aws-sdk/client-transcribe-streaming";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";

/**
 * The console's Transcribe streaming client: the SDK's browser build (WebSocket) pointed at
 * AWS, or at the embedded server's Transcribe-compatible endpoint through configuration only.
 */

interface WireRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
  headers: Record<string, string>;
}

/**
 * The browser build forces `wss:` and appends `:8443` to the host (AWS's WebSocket port);
 * a local `http://` endpoint needs plain `ws:` on its own port. Runs in the build step after
 * the SDK's endpoint middleware and before signing, so the presigned URL names the real host.
 */
export function addLocalWebSocketRewrite(client: TranscribeStreamingClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as WireRequest | undefined;
      if (request?.protocol === "wss:" && request.hostname) {
        request.protocol = "ws:";
        request.hostname = request.hostname.replace(/:8443$/, "");
        request.headers.host = request.port ? `${request.hostname}:${request.port}` : request.hostname;
      }
      return next(args);
    },
    { step: "build", priority: "low", name: "babelcastLocalWebSocketRewrite" },
  );
}

export interface TranscribeClientOptions {
  readonly region: string;
  /** The config document's `endpoints.transcribe` in embedded mode; undefined for AWS. */
  readonly endpoint?: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export function createTranscribeClient(options: TranscribeClientOptions): TranscribeStreamingClient {
  const client = new TranscribeStreamingClient({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  if (options.endpoint?.startsWith("http:")) addLocalWebSocketRewrite(client);
  return client;
}

/**
 * Automatic language identification (cloud): Transcribe picks one of `languageOptions` (two or
 * more, one dialect per language, more than five not recommended; `preferredLanguage` among them),
 * https://docs.aws.amazon.com/transcribe/latest/APIReference/API_streaming_StartStreamTranscription.html
 */
export interface LanguageIdentification {
  readonly languageOptions: readonly string[];
  readonly preferredLanguage: string;
}

export interface StreamRequest {
  /** Ignored when `identify` is set (Transcribe takes one or the other). */
  readonly languageCode: string;
  readonly identify?: LanguageIdentification;
  readonly sampleRate: number;
  readonly vocabularyName?: string;
  /** The session's word filter as a Transcribe vocabulary filter: its words masked or removed. */
  readonly vocabularyFilter?: { readonly name: string; readonly method: "mask" | "remove" | "tag" };
  /** "high" stabilizes soonest. */
  readonly stability?: "high" | "medium" | "low";
}

/** What a recognition session needs of Transcribe: audio chunks in, results out. */
export type TranscriptStreamStarter = (audio: AsyncIterable<Uint8Array>) => Promise<AsyncIterable<Result[]>>;

/** Starts streams on a client with partial-results stabilization on. */
export function transcribeStreamStarter(
  client: TranscribeStreamingClient,
  request: StreamRequest,
): TranscriptStreamStarter {
  return async (audio) => {
    async function* events(): AsyncGenerator<AudioStream> {
      for await (const chunk of audio) yield { AudioEvent: { AudioChunk: chunk } };
    }
    const response = await client.send(
      new StartStreamTranscriptionCommand({
        ...(request.identify
          ? {
              IdentifyLanguage: true,
              LanguageOptions: request.identify.languageOptions.join(","),
              PreferredLanguage: request.identify.preferredLanguage as LanguageCode,
            }
          : { LanguageCode: request.languageCode as LanguageCode }),
        MediaEncoding: "pcm",
        MediaSampleRateHertz: request.sampleRate,
        EnablePartialResultsStabilization: true,
        PartialResultsStability: request.stability ?? "high",
        // With identification a vocabulary or a filter must name its language (VocabularyNames,
        // VocabularyFilterNames): the glossary's and the filter's are left out; the backend still filters.
        ...(request.vocabularyName && !request.identify ? { VocabularyName: request.vocabularyName } : {}),
        ...(request.vocabularyFilter && !request.identify
          ? {
              VocabularyFilterName: request.vocabularyFilter.name,
              VocabularyFilterMethod: request.vocabularyFilter.method,
            }
          : {}),
        AudioStream: events(),
      }),
    );
    const stream = response.TranscriptResultStream;
    if (!stream) throw new Error("Transcribe answered without a result stream");
    return (async function* results() {
      for await (const event of stream) {
        if (event.TranscriptEvent) yield event.TranscriptEvent.Transcript?.Results ?? [];
        else {
          const [name, value] = Object.entries(event).find(([, v]) => v !== undefined) ?? ["unknown", {}];
          throw Object.assign(new Error((value as { Message?: string }).Message ?? name), { name });
        }
      }
    })();
  };
}
