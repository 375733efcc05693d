import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTranslateClient } from "@babelcast/backend/aws/translateClient.js";
import { translateEngine } from "@babelcast/backend/aws/translateEngine.js";
import type { TranslateEngine } from "@babelcast/backend/segmentJourney/ports.js";
import { runSegmentJourney } from "@babelcast/backend/segmentJourney/runSegmentJourney.js";
import { JOURNEY_SESSION, JourneyTables, memoryJourneyPorts } from "@babelcast/backend/testSupport/memoryJourney.js";
import { startEmbeddedServer } from "@babelcast/embedded/embeddedServer.js";
import { createTranslateService } from "@babelcast/embedded/translate/translateService.js";
import { PATHS } from "@babelcast/protocol";
import { percentile } from "./report/percentile.js";
import { startConditions, withConditions } from "./report/runConditions.js";

/**
 * The segment journey on the embedded Translate endpoint (Apertium) through the real SDK
 * client, 5 target languages:
 * - pipeline_overhead_ms: per segment and language, received → caption delivered, minus
 *   that language's translate time. Stores and publishing are in memory here, so this is the
 *   journey's own cost (ordering included); DynamoDB and fan-out over sockets are measured by
 *   the captions bench.
 * - translate_engine_ms: wall time of one translate call (incl. the HTTP hop), one segment
 *   at a time, as in a talk.
 * - engine_saturation_ms: the same, while every segment is fired at once: queueing included,
 *   so it is kept apart from the one-at-a-time figure.
 * - pipeline_throughput_segments_per_min: segments fired all at once, through every language.
 * Speech is synthesized by the console (and its lag bound measured there), not here.
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
    services: [createTranslateService],
  });
  const client = createTranslateClient({
    region: server.context.region,
    credentials: server.context.credentials,
    maxAttempts: 1,
    endpoint: `${server.url}${PATHS.translate}`,
  });
  const real = translateEngine(client);
  const translateMs: number[] = [];
  const engineBySegmentLang = new Map<string, number>();
  const timed: TranslateEngine = {
    async translate(text, from, to, terminology) {
      const t0 = performance.now();
      const out = await real.translate(text, from, to, terminology);
      const ms = performance.now() - t0;
      translateMs.push(ms);
      engineBySegmentLang.set(`${text}|${to}`, (engineBySegmentLang.get(`${text}|${to}`) ?? 0) + ms);
      return out;
    },
    importTerminology: real.importTerminology,
  };
  const session = { ...JOURNEY_SESSION, targetLanguages: LANGUAGES };
  const run = (tables: JourneyTables, seq: number, text: string) =>
    runSegmentJourney(
      tables.store(session.sessionId, seq, text, LANGUAGES),
      session,
      memoryJourneyPorts(tables, timed),
    );

  // Warm the engines (pipelines and the JIT) before measuring.
  log("warming up");
  const warm = new JourneyTables();
  for (const [i, text] of SENTENCES.slice(0, 3).entries()) await run(warm, i, text);
  translateMs.length = 0;

  log(`one segment at a time, ${SENTENCES.length} segments × ${LANGUAGES.length} languages`);
  const sequentialWindow = startConditions();
  const overhead: number[] = [];
  const sequential = new JourneyTables();
  for (const [i, text] of SENTENCES.entries()) {
    engineBySegmentLang.clear();
    const outcomes = await run(sequential, i, text);
    const received = sequential.segments.get(i)?.stages.receivedAt ?? 0;
    for (const o of outcomes) {
      if (o.stages.deliveredAt === undefined) continue;
      overhead.push(o.stages.deliveredAt - received - (engineBySegmentLang.get(`${text}|${o.language}`) ?? 0));
    }
  }

  const sequentialConditions = sequentialWindow.end();
  const sequentialTranslateMs = translateMs.splice(0);

  log("saturation: every segment fired at once");
  const burstWindow = startConditions();
  const burst = new JourneyTables();
  const t0 = performance.now();
  await Promise.all(SENTENCES.map((text, i) => run(burst, i, text)));
  const burstSeconds = (performance.now() - t0) / 1000;
  const burstConditions = burstWindow.end();
  const burstTranslateMs = translateMs.splice(0);

  client.destroy();
  await server.close();

  const engines = "Apertium (long-lived -z pipelines), via the SDK client";
  const metrics = {
    pipeline_overhead_ms: withConditions(
      {
        p50: round(percentile(overhead, 50), 2),
        p99: round(percentile(overhead, 99), 2),
        languages: LANGUAGES.length,
        samples: overhead.length,
      },
      sequentialConditions,
    ),
    translate_engine_ms: withConditions(
      {
        p50: round(percentile(sequentialTranslateMs, 50)),
        p99: round(percentile(sequentialTranslateMs, 99)),
        n: sequentialTranslateMs.length,
        engines,
      },
      sequentialConditions,
    ),
    engine_saturation_ms: withConditions(
      {
        p50: round(percentile(burstTranslateMs, 50)),
        p99: round(percentile(burstTranslateMs, 99)),
        n: burstTranslateMs.length,
        segments_at_once: SENTENCES.length,
        languages: LANGUAGES.length,
        engines,
      },
      burstConditions,
    ),
    pipeline_throughput_segments_per_min: withConditions(
      { value: round((SENTENCES.length / burstSeconds) * 60), languages: LANGUAGES.length },
      burstConditions,
    ),
  };
  process.stdout.write(`${JSON.stringify({ metrics, series: { pipeline_overhead_ms: overhead } })}\n`);
}

main().catch((err) => {
  process.stderr.write(`[pipeline] failed: ${String(err)}\n`);
  process.exit(1);
});
