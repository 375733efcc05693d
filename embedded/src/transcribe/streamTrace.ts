import { appendFileSync } from "node:fs";

/**
 * Where one stream's wall-clock time goes inside the endpoint (docs/performance.md, "Where a
 * caption's time goes"): for each hypothesis, when the audio up to its position arrived from
 * the client and when the decoder reported on it. Written as JSON lines to the file named by
 * BABELCAST_TRANSCRIBE_TRACE; off (and free) without it. A diagnostic for benches, not a log.
 */
export interface StreamTrace {
  audio(bytes: number): void;
  hypothesis(position: number | undefined, final: boolean, stableWords: number, words: number): void;
}

const BYTES_PER_SECOND = 16000 * 2;

export function streamTrace(file: string | undefined, stream: string): StreamTrace | undefined {
  if (!file) return undefined;
  // Arrival time of each audio frame, by the stream's seconds it ends at.
  const arrivals: { until: number; at: number }[] = [];
  let seconds = 0;
  return {
    audio(bytes) {
      seconds += bytes / BYTES_PER_SECOND;
      arrivals.push({ until: seconds, at: Date.now() });
    },
    hypothesis(position, final, stableWords, words) {
      if (position === undefined) return;
      const arrived = arrivals.find((a) => a.until >= position - 1e-6)?.at;
      appendFileSync(
        file,
        `${JSON.stringify({ stream, position, final, stableWords, words, audioArrivedAt: arrived, at: Date.now() })}\n`,
      );
    },
  };
}
