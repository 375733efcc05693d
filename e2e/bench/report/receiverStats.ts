import type { Page } from "@playwright/test";

/** A page's audio receiver counters (cumulative, summed over its connected peers): jitter buffer and playout. */
export interface ReceiverCounters {
  jbDelay: number;
  jbTarget: number;
  jbMin: number;
  emitted: number;
  playoutDelay: number;
  playoutSamples: number;
}

/**
 * Reads Chromium's inbound-rtp and media-playout counters (webrtc-stats) of the peer connections
 * the page lists in `window.__pcs` (each bench's page script fills it).
 */
export function readReceiverCounters(page: Page): Promise<ReceiverCounters> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    const out = { jbDelay: 0, jbTarget: 0, jbMin: 0, emitted: 0, playoutDelay: 0, playoutSamples: 0 };
    for (const pc of pcs) {
      if (pc.connectionState !== "connected") continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === "inbound-rtp" && s.kind === "audio") {
          out.jbDelay += Number(s.jitterBufferDelay ?? 0);
          out.jbTarget += Number(s.jitterBufferTargetDelay ?? 0);
          out.jbMin += Number(s.jitterBufferMinimumDelay ?? 0);
          out.emitted += Number(s.jitterBufferEmittedCount ?? 0);
        } else if (s.type === "media-playout") {
          out.playoutDelay += Number(s.totalPlayoutDelay ?? 0);
          out.playoutSamples += Number(s.totalSamplesCount ?? 0);
        }
      });
    }
    return out;
  });
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The receiver's mean delays in ms between two readings (null where nothing was emitted or played). */
export function receiverDelays(before: ReceiverCounters, after: ReceiverCounters) {
  const emitted = after.emitted - before.emitted;
  const perEmitted = (a: number, b: number) => (emitted > 0 ? round1(((b - a) / emitted) * 1000) : null);
  const playoutSamples = after.playoutSamples - before.playoutSamples;
  return {
    jitter_buffer_ms: perEmitted(before.jbDelay, after.jbDelay),
    jitter_buffer_target_ms: perEmitted(before.jbTarget, after.jbTarget),
    jitter_buffer_minimum_ms: perEmitted(before.jbMin, after.jbMin),
    playout_delay_ms:
      playoutSamples > 0 ? round1(((after.playoutDelay - before.playoutDelay) / playoutSamples) * 1000) : null,
  };
}
