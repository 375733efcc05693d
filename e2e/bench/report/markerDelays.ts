import type { TapRecord } from "../../support/audioMarkers.js";
import { pairMarkers } from "../../support/audioMarkers.js";
import { sampleSummary } from "./percentile.js";

/** Glass-to-glass figures from marker taps (e2e/support/audioMarkers.ts), or why there are none. */
export type MarkerDelays =
  | {
      readonly p50: number;
      readonly p95: number;
      readonly p99: number;
      readonly n: number;
      readonly min: number;
      readonly max: number;
      readonly unpaired: number;
      readonly samples: number[];
    }
  | { readonly skipped: string };

/**
 * Pairs the markers of the sending side's busiest tap (a console may open its device more than
 * once: a permission probe, then the capture) with the first received tap's, leaving out the
 * first `dropMs` of received markers, and summarizes the delays (ms, 0.1 ms resolution).
 */
export function markerDelays(
  sentTaps: readonly TapRecord[],
  receivedTaps: readonly TapRecord[],
  dropMs: number,
): MarkerDelays {
  const sent = [...sentTaps].sort((a, b) => b.markers.length - a.markers.length)[0];
  const received = receivedTaps[0];
  if (!sent || sent.markers.length === 0) return { skipped: "no markers detected at the sending side" };
  if (!received || received.markers.length === 0) return { skipped: "no markers detected at the receiving side" };
  const { delays, unpaired } = pairMarkers(sent.markers, received.markers, dropMs);
  if (delays.length === 0) return { skipped: "received markers did not pair with sent ones" };
  const samples = delays.map((d) => Math.round(d * 10) / 10);
  return {
    ...sampleSummary(samples),
    unpaired,
    samples,
  };
}
