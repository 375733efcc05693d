// Benchmark of a talk through the whole embedded system, measured where people are: recorded
// English speech (LibriVox) at the console's fake microphone → recognizer → segments →
// Translate (Apertium) → Polly (eSpeak NG) → a Spanish listener page.
//   caption_latency_ms: the end of a spoken phrase (the segment's spokenEndAt) → its Spanish
//                       caption arriving at the listener page, for phrases that ended while the page
//                       listened (what was said before it joined is replayed to it; counted apart);
//   speech_latency_ms:  the end of a spoken phrase → the console starting to play its Spanish
//                       speech into the Spanish WebRTC track (add audio_glass_to_glass_ms for
//                       the last hop to the listener's ear);
//   stage_ms:           the console's per-stage breakdown of the same segments (every segment of the
//                       talk: the console's rows are polled, as it shows only its latest).
// Run alone: `npx tsx e2e/bench/talk.bench.ts`.

import { percentile } from "./report/percentile.js";
import { startConditions, withConditions } from "./report/runConditions.js";
import { startTalk, type TimedRow, withTalkStack } from "./talkRun.js";

const log = (m: string) => process.stderr.write(`[talk] ${m}\n`);
/** How long the talk is listened to (the five clips with pauses last about a minute; the fake microphone loops). */
const LISTEN_MS = Number(process.env.TALK_LISTEN_MS ?? 100_000);

const summary = (xs: number[]) => ({
  p50: Math.round(percentile(xs, 50)),
  p95: Math.round(percentile(xs, 95)),
  p99: Math.round(percentile(xs, 99)),
  n: xs.length,
});

/**
 * Spoken end → the listener hearing the segment: the first onset in the listener's audio from when the console
 * started playing it (spokenEndAt + the row's total) to half a second later. Segments queued right behind another
 * start without a quiet spell, so they have no onset and are left out.
 */
function speechHeardAtListener(
  played: readonly TimedRow[],
  spokenEnd: ReadonlyMap<number | undefined, number | undefined>,
  onsets: readonly number[],
): number[] {
  const heard: number[] = [];
  for (const row of played) {
    const end = spokenEnd.get(row.segmentSeq);
    if (end === undefined) continue;
    const playedAt = end + row.totalMs;
    const onset = onsets.find((t) => t >= playedAt - 20 && t <= playedAt + 500);
    if (onset !== undefined) heard.push(onset - end);
  }
  return heard;
}

async function main(): Promise<void> {
  await withTalkStack(async (browser, server) => {
    // The room sound off: the Spanish track is silent between sentences, so the listener hears each onset.
    const run = await startTalk(browser, server, "es", { roomSound: false });
    log(`session ${run.sessionId}: listening for ${LISTEN_MS / 1000} s`);
    const talkWindow = startConditions();
    await run.listener.waitForTimeout(LISTEN_MS);
    const conditions = talkWindow.end();
    run.stop();

    const live = await run.liveCaptions("es");
    const captionMs = live.samples.map((s) => s.lagMs);
    // Every segment of the talk, not only the rows the console still shows.
    const spanish = run.rows().filter((r) => r.language === "es");
    const played = spanish.filter((r) => r.durations.some((d) => d.stage === "play"));
    const speechMs = played.map((r) => r.totalMs);
    const spokenEnd = new Map(live.samples.map((c) => [c.seq, c.spokenEndAt]));
    const earMs = speechHeardAtListener(played, spokenEnd, await run.speechOnsets());
    const stages: Record<string, { p50: number; p99: number }> = {};
    for (const stage of ["recognize", "send", "translate", "synthesize", "deliver", "play"]) {
      const xs = spanish.flatMap((r) => r.durations.filter((d) => d.stage === stage).map((d) => d.ms));
      if (xs.length > 0) stages[stage] = { p50: Math.round(percentile(xs, 50)), p99: Math.round(percentile(xs, 99)) };
    }
    log(`captions ${captionMs.length}, spoken segments ${speechMs.length}`);
    const skipped = (what: string) => ({ skipped: `no ${what} arrived in ${LISTEN_MS / 1000} s of talk` });
    process.stdout.write(
      `${JSON.stringify({
        metrics: {
          caption_latency_ms:
            captionMs.length > 0
              ? withConditions(
                  {
                    ...summary(captionMs),
                    phrases: "those that ended while the listener listened (each caption once)",
                    replayed_on_join: live.spokenBeforeListening,
                  },
                  conditions,
                )
              : skipped("caption"),
          speech_latency_ms:
            speechMs.length > 0
              ? withConditions(
                  {
                    ...summary(speechMs),
                    to: "console starts playing into the language track",
                    segments: "every one",
                    ...(earMs.length > 0
                      ? {
                          heard_at_listener: {
                            ...summary(earMs),
                            to: "the speech's onset in the listener page's decoded audio (segments that start after a quiet spell)",
                          },
                        }
                      : {}),
                  },
                  conditions,
                )
              : skipped("speech"),
          stage_ms: Object.keys(stages).length > 0 ? withConditions(stages, conditions) : skipped("segment progress"),
        },
        series: { caption_latency_ms: captionMs, speech_latency_ms: speechMs, speech_heard_ms: earMs },
      })}\n`,
    );
  });
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
