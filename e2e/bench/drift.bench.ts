// Lag over a long talk, measured and modelled.
//   lag_drift_s:       a real talk through the whole embedded system (recorded speech looped at the console's
//                      fake microphone for DRIFT_TALK_MINUTES, default 10): how far behind the presenter each
//                      Spanish caption reached the listener page, and each segment's speech started playing into
//                      the Spanish track, sampled every segment; first and last minute, drift (last − first), max,
//                      and the slope. Goal: drift ≤ 0.5 s and max ≤ 3 s for both.
//   lag_drift_model_s: the same question asked of the lag controller on a fake clock (a synthetic 10-minute
//                      talk, electron/test/renderer/speech/talkSimulation.ts): a model, not a measurement.
// Run alone: `npx tsx e2e/bench/drift.bench.ts` (DRIFT_TALK_MINUTES=3 for a shorter try).

import { DEFAULT_LAG_SETTINGS } from "../../electron/src/renderer/speech/lagController.js";
import { DEFAULT_TALK, simulateTalk } from "../../electron/test/renderer/speech/talkSimulation.js";
import { type LagSample, lagDrift } from "./report/lagDrift.js";
import { startConditions, withConditions } from "./report/runConditions.js";
import { startTalk, withTalkStack } from "./talkRun.js";

const log = (m: string) => process.stderr.write(`[drift] ${m}\n`);
const minutes = Number(process.env.DRIFT_TALK_MINUTES ?? 10);

/** The lag controller alone on a fake clock: the delay behind the presenter when each segment's speech ends. */
function modelledDrift() {
  const result = simulateTalk(DEFAULT_TALK, DEFAULT_LAG_SETTINGS);
  const first = result.delays[0] ?? 0;
  return {
    model: "simulateTalk: a synthetic 10-minute talk on a fake clock through the lag controller",
    first_s: Math.round(first * 1000) / 1000,
    end_s: Math.round(result.finalDelaySeconds * 1000) / 1000,
    drift_s: Math.round((result.finalDelaySeconds - first) * 1000) / 1000,
    max_s: Math.round(result.maxDelaySeconds * 1000) / 1000,
    segments: result.segments,
  };
}

/** [minutes into the talk, lag in seconds] for the report's plot. */
function overTime(samples: readonly LagSample[]): [number, number][] {
  const start = Math.min(...samples.map((s) => s.atMs));
  return samples.map((s) => [Math.round((s.atMs - start) / 600) / 100, s.lagMs / 1000]);
}

async function main(): Promise<void> {
  if (!(minutes >= 3)) throw new Error(`DRIFT_TALK_MINUTES must be at least 3 (got ${process.env.DRIFT_TALK_MINUTES})`);
  await withTalkStack(async (browser, server) => {
    const run = await startTalk(browser, server, "es");
    log(`session ${run.sessionId}: a ${minutes}-minute talk`);
    const talkWindow = startConditions();
    for (let m = 1; m <= minutes; m++) {
      await run.listener.waitForTimeout(60_000);
      log(`${m} of ${minutes} minutes`);
    }
    const conditions = talkWindow.end();
    run.stop();

    const captions: LagSample[] = (await run.liveCaptions("es")).samples;
    const speech: LagSample[] = run
      .rows()
      .filter((r) => r.language === "es" && r.durations.some((d) => d.stage === "play"))
      .map((r) => ({ atMs: r.seenAt, lagMs: r.totalMs }));
    const captionDrift = lagDrift(captions);
    const speechDrift = lagDrift(speech);
    log(`captions ${captions.length}, spoken segments ${speech.length}`);
    const measured =
      captionDrift && speechDrift
        ? withConditions(
            {
              captions: { ...captionDrift, to: "Spanish caption at the listener page" },
              speech: { ...speechDrift, to: "console starts playing the Spanish speech into its track" },
              goal: "drift ≤ 0.5 s and max ≤ 3 s, for captions and for speech",
            },
            conditions,
          )
        : {
            skipped: `too few segments over ${minutes} minutes (captions ${captions.length}, speech ${speech.length})`,
          };
    process.stdout.write(
      `${JSON.stringify({
        metrics: { lag_drift_s: measured, lag_drift_model_s: modelledDrift() },
        series: { lag_drift_caption_s: overTime(captions), lag_drift_speech_s: overTime(speech) },
      })}\n`,
    );
  });
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
