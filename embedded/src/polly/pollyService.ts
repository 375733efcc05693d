import type { IncomingMessage, ServerResponse } from "node:http";
import { PATHS } from "@babelcast/protocol";
import { callersFor } from "../auth/callerDirectory.js";
import { SigV4Verifier } from "../auth/sigv4Verifier.js";
import type { EmbeddedContext, EmbeddedService } from "../embeddedContext.js";
import { settingsSection } from "../embeddedSettings.js";
import { encodeMp3, encodeOggVorbis, pcm16LeBytes } from "../engines/audioEncoding.js";
import { EspeakPool } from "../engines/espeakEngine.js";
import { resamplePcm16 } from "../engines/resample.js";
import { FaultSwitch } from "../faults.js";
import { answerAwsRequest, parseJsonObject, requireAllowed } from "../http/awsEndpoint.js";
import { AwsServiceError, REST_JSON, requestIdHeader, sendAwsJson } from "../http/awsResponses.js";
import { splitRequestTarget } from "../http/requestTarget.js";
import { underPrefix } from "../underPrefix.js";
import { POLLY_SETTINGS_SECTION, PollySettings } from "./pollySettings.js";
import { EMULATED_VOICES, type EmulatedVoice } from "./pollyVoices.js";
import { InvalidSsmlError, parseSsml, type SpeechPart } from "./ssml.js";

/**
 * Amazon Polly, emulated on eSpeak NG: rest-json `POST /v1/speech` (SynthesizeSpeech, the
 * audio as the raw response body) and `GET /v1/voices` (DescribeVoices) under
 * `PATHS.polly`, SigV4-verified, with Polly's limits and errors and the fault switch of the
 * `polly` settings section.
 */

const MAX_BODY_BYTES = 256 * 1024;
const FORMATS = {
  pcm: { contentType: "audio/pcm", rates: [8000, 16000] },
  mp3: { contentType: "audio/mpeg", rates: [8000, 16000, 22050, 24000] },
  ogg_vorbis: { contentType: "audio/ogg", rates: [8000, 16000, 22050, 24000] },
} as const;
type AudioFormat = keyof typeof FORMATS;

export interface PollyService extends EmbeddedService {
  readonly settings: PollySettings;
  readonly faults: FaultSwitch;
  readonly engine: EspeakPool;
}

function bad(type: string, message: string): AwsServiceError {
  return new AwsServiceError(type, 400, message);
}

/** Checks a SynthesizeSpeech request as Polly does and names the audio to produce. */
function validateSpeechRequest(input: Record<string, unknown>, settings: PollySettings) {
  const text = input.Text;
  if (typeof text !== "string" || text.length === 0) throw bad("ValidationException", "Text is required.");
  const voice = typeof input.VoiceId === "string" ? EMULATED_VOICES.get(input.VoiceId) : undefined;
  if (!voice) {
    throw bad(
      "ValidationException",
      `VoiceId ${String(input.VoiceId)} is not offered here; voices: ${[...EMULATED_VOICES.keys()].join(", ")}.`,
    );
  }
  const engine = input.Engine ?? "standard";
  if (!voice.engines.includes(engine as EmulatedVoice["engines"][number])) {
    throw bad("EngineNotSupportedException", `This voice is not compatible with the ${String(engine)} engine.`);
  }
  if (input.LanguageCode !== undefined && input.LanguageCode !== voice.languageCode) {
    throw bad("LanguageNotSupportedException", `Voice ${voice.id} does not speak ${String(input.LanguageCode)}.`);
  }
  if (Array.isArray(input.LexiconNames) && input.LexiconNames.length > 0) {
    throw bad("LexiconNotFoundException", `Lexicon ${String(input.LexiconNames[0])} was not found.`);
  }
  const format = input.OutputFormat;
  if (Array.isArray(input.SpeechMarkTypes) && input.SpeechMarkTypes.length > 0 && format !== "json") {
    throw bad("MarksNotSupportedForFormatException", "Speech marks need OutputFormat json.");
  }
  if (format === "json") throw bad("ValidationException", "Speech marks (OutputFormat json) are not emulated.");
  if (typeof format !== "string" || !(format in FORMATS)) {
    throw bad("ValidationException", "OutputFormat must be one of mp3, ogg_vorbis, pcm.");
  }
  const spec = FORMATS[format as AudioFormat];
  const defaultRate = format === "pcm" ? 16000 : engine === "standard" ? 22050 : 24000;
  const sampleRate = input.SampleRate === undefined ? defaultRate : Number(input.SampleRate);
  if (!(spec.rates as readonly number[]).includes(sampleRate)) {
    throw bad(
      "InvalidSampleRateException",
      `SampleRate ${String(input.SampleRate)} is not valid for ${format}; use one of ${spec.rates.join(", ")}.`,
    );
  }
  if (text.length > settings.maxTextCharacters) {
    throw bad("TextLengthExceededException", `Maximum text length (${settings.maxTextCharacters}) has been exceeded.`);
  }
  let parts: SpeechPart[];
  let billed: number;
  if (input.TextType === "ssml") {
    try {
      ({ parts, billedCharacters: billed } = parseSsml(text));
    } catch (err) {
      if (err instanceof InvalidSsmlError) throw bad("InvalidSsmlException", err.message);
      throw err;
    }
  } else if (input.TextType === undefined || input.TextType === "text") {
    parts = [{ kind: "text", text, rate: 1 }];
    billed = text.length;
  } else {
    throw bad("ValidationException", "TextType must be text or ssml.");
  }
  if (billed > settings.maxBilledCharacters) {
    throw bad(
      "TextLengthExceededException",
      `Maximum billed text length (${settings.maxBilledCharacters} characters) has been exceeded.`,
    );
  }
  return { voice, format: format as AudioFormat, sampleRate, parts, billed };
}

export function createPollyService(ctx: EmbeddedContext): PollyService {
  const settings = settingsSection(ctx.settings, POLLY_SETTINGS_SECTION, PollySettings);
  const faults = new FaultSwitch(settings.faults);
  // The console synthesizes each language itself with its own temporary credentials (as with
  // the identity pool role in the cloud, which grants polly:SynthesizeSpeech).
  const callers = callersFor(ctx);
  const verifier = new SigV4Verifier({
    credentials: ctx.credentials,
    region: ctx.region,
    service: "polly",
    resolveCredentials: (id) => callers.resolve(id),
  });
  const engine = new EspeakPool(settings.engineWorkers, { timeoutMs: settings.engineTimeoutMs });
  if (settings.warmUp) engine.start().catch((err) => ctx.log.warn("eSpeak NG failed to start", { error: String(err) }));

  /** Speaks each part at its rate, pauses as silence, at eSpeak's own sample rate. */
  const speak = async (parts: readonly SpeechPart[], voice: EmulatedVoice) => {
    const pieces: Int16Array[] = [];
    let engineRate = 22050;
    for (const part of parts) {
      if (part.kind === "break") {
        pieces.push(new Int16Array(Math.round((part.ms / 1000) * engineRate)));
        continue;
      }
      const pcm = await engine.synthesize(part.text, voice.espeakVoice, part.rate);
      engineRate = pcm.sampleRate;
      pieces.push(pcm.samples);
    }
    const all = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of pieces) {
      all.set(p, offset);
      offset += p.length;
    }
    return { samples: all, sampleRate: engineRate };
  };

  const synthesizeSpeech = async (input: Record<string, unknown>, res: ServerResponse) => {
    const request = validateSpeechRequest(input, settings);
    let speech: { samples: Int16Array; sampleRate: number };
    try {
      speech = await speak(request.parts, request.voice);
    } catch (err) {
      ctx.log.error("espeak-ng failed", { error: String(err) });
      throw new AwsServiceError("ServiceFailureException", 500, `The speech engine failed: ${String(err)}`);
    }
    const samples = resamplePcm16(speech.samples, speech.sampleRate, request.sampleRate);
    const audio =
      request.format === "pcm"
        ? pcm16LeBytes(samples)
        : request.format === "mp3"
          ? await encodeMp3(samples, request.sampleRate)
          : await encodeOggVorbis(samples, request.sampleRate);
    res.writeHead(200, {
      "content-type": FORMATS[request.format].contentType,
      "content-length": audio.byteLength,
      "x-amzn-requestcharacters": String(request.billed),
      ...requestIdHeader(),
    });
    res.end(audio);
  };

  // Only the voices whose eSpeak NG voice the engine really loaded: a language the build
  // lacks is not offered, so the backend's catalogue says "captions only" up front.
  const describeVoices = async (query: URLSearchParams, res: ServerResponse) => {
    const engineFilter = query.get("Engine");
    const languageFilter = query.get("LanguageCode");
    let espeakLanguages: Set<string>;
    try {
      espeakLanguages = new Set((await engine.voices()).flatMap((v) => v.languages));
    } catch (err) {
      throw new AwsServiceError("ServiceFailureException", 500, `The speech engine failed to start: ${String(err)}`);
    }
    const voices = [...EMULATED_VOICES.values()]
      .filter((v) => espeakLanguages.has(v.espeakVoice))
      .filter((v) => !engineFilter || v.engines.includes(engineFilter as EmulatedVoice["engines"][number]))
      .filter((v) => !languageFilter || v.languageCode === languageFilter)
      .map((v) => ({
        Id: v.id,
        Name: v.id,
        Gender: v.gender,
        LanguageCode: v.languageCode,
        LanguageName: v.languageName,
        SupportedEngines: v.engines,
      }));
    sendAwsJson(res, { Voices: voices }, REST_JSON);
  };

  const gate = {
    verifier,
    faults,
    maxBodyBytes: MAX_BODY_BYTES,
    throttleError: () => new AwsServiceError("ThrottlingException", 400, "Rate exceeded (injected fault)."),
    internalError: () => new AwsServiceError("ServiceFailureException", 500, "Service failure (injected fault)."),
    protocol: REST_JSON,
    service: "Polly",
    log: ctx.log,
  };
  const answer = (req: IncomingMessage, res: ServerResponse) =>
    answerAwsRequest(req, res, gate, async (body) => {
      const { path, rawQuery } = splitRequestTarget(req.url);
      const route = path.slice(PATHS.polly.length);
      if (req.method === "GET" && route === "/v1/voices") {
        requireAllowed(callers, req, { action: "polly:DescribeVoices", resource: undefined });
        await describeVoices(new URLSearchParams(rawQuery), res);
        return;
      }
      if (req.method !== "POST" || route !== "/v1/speech") {
        throw new AwsServiceError("UnknownOperationException", 404, `No Polly operation at ${req.method} ${route}.`);
      }
      // SynthesizeSpeech without lexicons has no resource-level permission.
      requireAllowed(callers, req, { action: "polly:SynthesizeSpeech", resource: undefined });
      await synthesizeSpeech(parseJsonObject(body), res);
    });

  return {
    name: "polly",
    settings,
    faults,
    engine,
    handleRequest(req, res) {
      if (!underPrefix(splitRequestTarget(req.url).path, PATHS.polly)) return false;
      void answer(req, res);
      return true;
    },
    close: () => engine.close(),
  };
}
