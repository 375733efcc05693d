// Caption delay while another program keeps one of the machine's cores busy for the whole talk.
//   caption_latency_under_load_ms: the end of a spoken phrase → its Spanish caption at the listener page, with a
//                                  busy loop in its own process from before the talk to its end
//                                  (UNDER_LOAD_MINUTES, default 5); p50, p99 and the slope per minute (a
//                                  recognizer that falls behind real time shows as a rising slope). Goal: the
//                                  recognizer stays within 2 s of real time and the slope stays flat.
// Run alone: `npx tsx e2e/bench/underLoad.bench.ts`.

import { spawn } from "node:child_process";
import { lagDrift } from "./report/lagDrift.js";
import { percentile } from "./report/percentile.js";
import { startConditions, withConditions } from "./report/runConditions.js";
import { startTalk, withTalkStack } from "./talkRun.js";

const log = (m: string) => process.stderr.write(`[underLoad] ${m}\n`);
const minutes = Number(process.env.UNDER_LOAD_MINUTES ?? 5);

async function main(): Promise<void> {
  if (!(minutes >= 3)) throw new Error(`UNDER_LOAD_MINUTES must be at least 3 (got ${process.env.UNDER_LOAD_MINUTES})`);
  // One busy thread: a whole core of the two taken away from the talk.
  const hog = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  try {
    await withTalkStack(async (browser, server) => {
      const run = await startTalk(browser, server, "es");
      log(`session ${run.sessionId}: a ${minutes}-minute talk beside a busy core`);
      const talkWindow = startConditions();
      for (let m = 1; m <= minutes; m++) {
        await run.listener.waitForTimeout(60_000);
        log(`${m} of ${minutes} minutes`);
      }
      const conditions = talkWindow.end();
      run.stop();
      const samples = (await run.liveCaptions("es")).samples;
      const drift = lagDrift(samples);
      const lags = samples.map((s) => s.lagMs);
      log(`captions ${samples.length}`);
      process.stdout.write(
        `${JSON.stringify({
          metrics: {
            caption_latency_under_load_ms: drift
              ? withConditions(
                  {
                    p50: Math.round(percentile(lags, 50)),
                    p99: Math.round(percentile(lags, 99)),
                    n: lags.length,
                    slope_ms_per_min: Math.round(drift.slope_s_per_min * 1000),
                    minutes: drift.minutes,
                    hog: "one busy thread (a whole core) for the whole talk",
                  },
                  conditions,
                )
              : { skipped: `too few captions over ${minutes} minutes beside a busy core (${samples.length})` },
          },
          series: { caption_latency_under_load_ms: lags },
        })}\n`,
      );
    });
  } finally {
    hog.kill("SIGKILL");
  }
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
