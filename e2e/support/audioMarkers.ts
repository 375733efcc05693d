import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { wavBytes } from "./wavFile.js";

/** One marker every this many ms: longer than any steady glass-to-glass delay, so pairing is unambiguous. */
export const MARKER_PERIOD_MS = 750;
/** A sample above this (absolute) after MARKER_QUIET_MS below it starts a marker. */
export const MARKER_THRESHOLD = 0.35;
export const MARKER_QUIET_MS = 250;

/**
 * A WAV for Chromium's fake microphone: a quiet 440 Hz bed (amplitude 0.1, so a listener
 * always hears energy) with a 20 ms 2 kHz burst at 0.8 every MARKER_PERIOD_MS. The file is
 * a whole number of periods long, so the loop keeps the rhythm.
 */
export function writeMarkerWav(dir: string, periods = 20, sampleRate = 48_000): string {
  const periodFrames = Math.round((MARKER_PERIOD_MS / 1000) * sampleRate);
  const burstFrames = Math.round(0.02 * sampleRate);
  const frames = periods * periodFrames;
  const data = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    const inPeriod = i % periodFrames;
    let x = 0.1 * Math.sin(2 * Math.PI * 440 * t);
    if (inPeriod < burstFrames) {
      // A short raised-cosine edge of 1 ms keeps the burst clean through Opus.
      const edge = Math.min(1, inPeriod / (sampleRate / 1000), (burstFrames - inPeriod) / (sampleRate / 1000));
      x = 0.8 * edge * Math.sin(2 * Math.PI * 2000 * (inPeriod / sampleRate));
    }
    data.writeInt16LE(Math.round(x * 32767), i * 2);
  }
  const file = join(dir, "audio-markers.wav");
  writeFileSync(file, wavBytes(data, sampleRate));
  return file;
}

/**
 * Page script (a plain string, so no bundler helpers leak into the page): defines
 * `window.__markerTap(track, label)`, which reads the track with a MediaStreamTrackProcessor
 * and records each marker onset in `window.__taps[i].markers` as epoch ms
 * (`performance.timeOrigin + AudioData.timestamp / 1000 + offset / sampleRate`).
 * With `wrapGetUserMedia`, every audio track getUserMedia returns is tapped (label "capture").
 */
export function markerTapScript(wrapGetUserMedia: boolean): string {
  return `(() => {
  if (window.__markerTap) return;
  window.__taps = [];
  window.__tapErrors = [];
  window.__markerTap = (track, label) => {
    const rec = { label, markers: [], chunks: 0, peak: 0, ended: false };
    window.__taps.push(rec);
    let lastLoud = -1e12;
    const reader = new MediaStreamTrackProcessor({ track, maxBufferSize: 200 }).readable.getReader();
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const n = value.numberOfFrames;
          const sr = value.sampleRate;
          const opts = { planeIndex: 0, format: "f32-planar" };
          const buf = new Float32Array(value.allocationSize(opts) / 4);
          value.copyTo(buf, opts);
          const t0 = performance.timeOrigin + value.timestamp / 1000;
          value.close();
          rec.chunks++;
          for (let i = 0; i < n; i++) {
            const a = Math.abs(buf[i]);
            if (a > rec.peak) rec.peak = a;
            if (a > ${MARKER_THRESHOLD}) {
              const t = t0 + (i * 1000) / sr;
              if (t - lastLoud > ${MARKER_QUIET_MS}) rec.markers.push(t);
              lastLoud = t;
            }
          }
        }
      } catch (e) {
        window.__tapErrors.push(String(e));
      }
      rec.ended = true;
    })();
  };
  if (${wrapGetUserMedia} && navigator.mediaDevices) {
    const md = navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      try {
        for (const t of stream.getAudioTracks()) window.__markerTap(t, "capture");
      } catch (e) {
        window.__tapErrors.push(String(e));
      }
      return stream;
    };
  }
})();`;
}

export interface TapRecord {
  label: string;
  markers: number[];
  chunks: number;
  peak: number;
  ended: boolean;
}

/**
 * Pairs each received marker with the latest sent marker before it (within one period) and
 * returns the delays in ms. Received markers in the first `dropMs` after the first one are left out.
 */
export function pairMarkers(
  sent: readonly number[],
  received: readonly number[],
  dropMs: number,
): { delays: number[]; unpaired: number } {
  const delays: number[] = [];
  let unpaired = 0;
  if (received.length === 0) return { delays, unpaired };
  const start = (received[0] as number) + dropMs;
  const s = [...sent].sort((a, b) => a - b);
  for (const r of received) {
    if (r < start) continue;
    let best: number | undefined;
    for (const x of s) {
      if (x <= r && r - x < MARKER_PERIOD_MS - 50) best = x;
      if (x > r) break;
    }
    if (best === undefined) unpaired++;
    else delays.push(r - best);
  }
  return { delays, unpaired };
}
