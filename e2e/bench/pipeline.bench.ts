import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPollyClient } from "@babelcast/backend/aws/pollyClient.js";
import { createTranslateClient } from "@babelcast/backend/aws/translateClient.js";
import { defaultVoices, synthesizeWith, translateWith } from "@babelcast/backend/pipeline/awsEngines.js";
import { createPipelineState, type PipelineDeps } from "@babelcast/backend/pipeline/pipelineDeps.js";
import { processSegment } from "@babelcast/backend/pipeline/processSegment.js";
import { audioDurationMs } from "@babelcast/backend/services/pipeline/audioDuration.js";
import { DEFAULT_LAG_SETTINGS } from "@babelcast/backend/services/pipeline/lagController.js";
import { DEFAULT_TALK, simulateTalk } from "@babelcast/backend/testSupport/talkSimulation.js";
import { startEmbeddedServer } from "@babelcast/embedded/embeddedServer.js";
import { createPollyService } from "@babelcast/embedded/polly/pollyService.js";
import { createTranslateService } from "@babelcast/embedded/translate/translateService.js";
import { PATHS } from "@babelcast/protocol";
import { percentile } from "./report/percentile.js";

/**
 * The translation pipeline on the embedded engines (Apertium, eSpeak NG) through the real
 * SDK clients, 5 target languages:
 * - pipeline_overhead_ms: per segment and language, received → caption delivered, minus
 *   that language's engine time (translate + synthesize calls). Publishing is in-process
 *   here, so this is the orchestration's own cost; fan-out over sockets is measured by
 *   the captions bench.
 * - engine_ms: wall time of one translate / synthesize call (incl. the HTTP hop).
 * - lag_drift_s: a 10-minute synthetic talk through the lag controller, with the speech
 *   expansion and speaking speed measured on the real engines here.
 * - lag_onset_segments_per_min: the segment rate past which lag grows: the lower of the
 *   engines' saturated throughput (segments fired all at once) and the rate at which the
 *   speech, even at the controller's maximum rate, outlasts the time between segments.
 */

const LANGUAGES = ["es", "fr", "pt", "it", "ca"];
const SENTENCES = [
  "Good morning everyone and thank you for coming.",
  "Today we will talk about live translation.",
  "The first idea is simple.",
  "Every listener hears the talk in their own language.",
  "The presenter speaks into a microphone on the stage.",
  "A computer turns the speech into text.",
  "The text is translated into many languages at once.",
  "Then a voice reads each translation aloud.",
  "This all happens in a few seconds.",
  "Let me show you how it works in practice.",
  "Please take out your phone and scan the code.",
  "Choose your language from the list.",
  "You should now hear my voice in that language.",
  "If you cannot hear anything, raise your hand.",
  "The captions appear on the screen as well.",
  "We measure the delay of every stage.",
  "The whole system runs on one small machine.",
  "It does not need an internet connection.",
  "Questions are welcome at the end of the session.",
  "Thank you very much for your attention.",
];

const log = (m: string) => process.stderr.write(`[pipeline] ${m}\n`);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "babelcast-bench-pipeline-")),
    settings: { translate: { warmLanguages: LANGUAGES } },
    services: [createTranslateService, createPollyService],
  });
  const base = { region: server.context.region, credentials: server.context.credentials, maxAttempts: 1 };
  const translateClient = createTranslateClient({ ...base, endpoint: `${server.url}${PATHS.translate}` });
  const pollyClient = createPollyClient({ ...base, endpoint: `${server.url}${PATHS.polly}` });
  const translate = translateWith(translateClient);
  const synthesize = synthesizeWith(pollyClient);

  const translateMs: number[] = [];
  const synthesizeMs: number[] = [];
  const engineBySegmentLang = new Map<string, number>();
  /** Characters in and out of translation, and speech length at the normal rate, to shape the talk. */
  const speech = { sourceCharacters: 0, translatedCharacters: 0, spokenCharacters: 0, naturalSeconds: 0 };
  const deps = (): PipelineDeps => ({
    state: createPipelineState({ voices: defaultVoices(LANGUAGES) }),
    async translate(text, from, to, terminology) {
      const t0 = performance.now();
      const out = await translate(text, from, to, terminology);
      const ms = performance.now() - t0;
      translateMs.push(ms);
      speech.sourceCharacters += text.length;
      speech.translatedCharacters += out.length;
      engineBySegmentLang.set(`${text}|${to}`, (engineBySegmentLang.get(`${text}|${to}`) ?? 0) + ms);
      return out;
    },
    async synthesize(text, language, voice, rate) {
      const t0 = performance.now();
      const out = await synthesize(text, language, voice, rate);
      synthesizeMs.push(performance.now() - t0);
      speech.spokenCharacters += text.length;
      speech.naturalSeconds += (audioDurationMs(out.audio, out.format, out.sampleRate) / 1000) * rate;
      return out;
    },
    publishCaption: async () => undefined,
    publishSpeech: async () => undefined,
    publishProgress: async () => undefined,
    persist: async () => undefined,
    now: () => performance.timeOrigin + performance.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
  });

  // Warm the engines (pipelines and the WASM JIT) before measuring.
  log("warming up");
  const warm = deps();
  for (const [i, text] of SENTENCES.slice(0, 3).entries()) {
    const now = Date.now();
    await processSegment(
      { seq: i, text, sourceLanguage: "en", languages: LANGUAGES, stages: { committedAt: now, sentAt: now } },
      warm,
    );
  }
  translateMs.length = 0;
  synthesizeMs.length = 0;

  log(`one segment at a time, ${SENTENCES.length} segments × ${LANGUAGES.length} languages`);
  const overhead: number[] = [];
  const sequential = deps();
  for (const [i, text] of SENTENCES.entries()) {
    engineBySegmentLang.clear();
    const t0 = performance.now();
    const received = performance.timeOrigin + t0;
    const outcomes = await processSegment(
      {
        seq: i,
        text,
        sourceLanguage: "en",
        languages: LANGUAGES,
        stages: { committedAt: received, sentAt: received, receivedAt: received },
      },
      sequential,
    );
    for (const o of outcomes) {
      if (o.stages.deliveredAt === undefined) continue;
      const synthMs = (o.stages.synthesizedAt ?? 0) - (o.stages.translatedAt ?? 0);
      const engine = (engineBySegmentLang.get(`${text}|${o.language}`) ?? 0) + Math.max(0, synthMs);
      overhead.push(o.stages.deliveredAt - received - engine);
    }
  }

  log("saturation: every segment fired at once");
  const burst = deps();
  const t0 = performance.now();
  await Promise.all(
    SENTENCES.map((text, i) => {
      const now = Date.now();
      return processSegment(
        { seq: i, text, sourceLanguage: "en", languages: LANGUAGES, stages: { committedAt: now, sentAt: now } },
        burst,
      );
    }),
  );
  const burstSeconds = (performance.now() - t0) / 1000;
  const engineThroughputPerMin = (SENTENCES.length / burstSeconds) * 60;

  // The talk simulated with what the real engines did: translation length and speaking speed.
  const expansion = speech.translatedCharacters / Math.max(1, speech.sourceCharacters);
  const speechCharsPerSecond = speech.spokenCharacters / Math.max(1e-9, speech.naturalSeconds);
  const processing = percentile(translateMs, 50) / 1000 + percentile(synthesizeMs, 50) / 1000;
  const shape = {
    ...DEFAULT_TALK,
    expansion,
    speechCharsPerSecond,
    processingSeconds: [processing, processing * 3] as const,
  };
  const controlled = simulateTalk(shape, DEFAULT_LAG_SETTINGS);
  const uncontrolled = simulateTalk(shape, { ...DEFAULT_LAG_SETTINGS, maxRate: 1 });
  // Speech capacity: a segment's speech at the maximum rate must fit before the next segment.
  const meanSourceSeconds = (DEFAULT_TALK.segmentSeconds[0] + DEFAULT_TALK.segmentSeconds[1]) / 2;
  const speechSecondsPerSegment =
    (meanSourceSeconds * DEFAULT_TALK.sourceCharsPerSecond * expansion) /
    speechCharsPerSecond /
    DEFAULT_LAG_SETTINGS.maxRate;
  const speechCapacityPerMin = 60 / speechSecondsPerSegment;

  translateClient.destroy();
  pollyClient.destroy();
  await server.close();

  const metrics = {
    pipeline_overhead_ms: {
      p50: round(percentile(overhead, 50), 2),
      p99: round(percentile(overhead, 99), 2),
      languages: LANGUAGES.length,
      samples: overhead.length,
    },
    engine_ms: {
      translate: { p50: round(percentile(translateMs, 50)), p99: round(percentile(translateMs, 99)) },
      synthesize: { p50: round(percentile(synthesizeMs, 50)), p99: round(percentile(synthesizeMs, 99)) },
      engines: "Apertium (long-lived -z pipelines), eSpeak NG (WASM in a worker thread), via the SDK clients",
    },
    lag_drift_s: {
      start: round(controlled.delays[0] ?? 0),
      end: round(controlled.finalDelaySeconds),
      max: round(controlled.maxDelaySeconds),
      minutes: DEFAULT_TALK.minutes,
      bound: DEFAULT_LAG_SETTINGS.maxDelaySeconds,
      end_without_controller: round(uncontrolled.finalDelaySeconds),
      expansion: round(expansion, 2),
      speech_chars_per_second: round(speechCharsPerSecond, 1),
    },
    lag_onset_segments_per_min: {
      value: round(Math.min(engineThroughputPerMin, speechCapacityPerMin)),
      engine_throughput: round(engineThroughputPerMin),
      speech_capacity: round(speechCapacityPerMin),
      languages: LANGUAGES.length,
    },
  };
  const series = {
    lag_delay_controlled_s: controlled.delays.map((d, i) => [i, round(d, 2)] as [number, number]),
    lag_delay_uncontrolled_s: uncontrolled.delays.map((d, i) => [i, round(d, 2)] as [number, number]),
    pipeline_overhead_ms: overhead,
  };
  process.stdout.write(`${JSON.stringify({ metrics, series })}\n`);
}

main().catch((err) => {
  process.stderr.write(`[pipeline] failed: ${String(err)}\n`);
  process.exit(1);
});
