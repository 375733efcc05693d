/**
 * Places the session's audio clock on the wall clock: audio time 0 is the wall time at which the
 * first captured sample was taken. Pure.
 *
 * Each chunk of captured PCM reaches the page a little after its last sample was taken (the
 * worklet block, then a message to the main thread, which may be busy), never before, so
 * `arrival − audio seconds at the chunk's end` is an upper bound of audio time 0; the smallest
 * such bound seen is the closest. Taking the moment recognition was asked to start instead
 * (before the worklet was loaded and the capture graph running) put every word's end earlier on
 * the wall clock than it was spoken, and every caption's delay (from `spokenEndAt`) longer.
 */
export class AudioClockAnchor {
  private best: number | undefined;

  /** Epoch ms of audio time 0, once a chunk was seen. */
  get startedAt(): number | undefined {
    return this.best;
  }

  /** A chunk arrived at `arrivedAt` (epoch ms); the session's audio then reached `audioSeconds`. */
  observe(arrivedAt: number, audioSeconds: number): void {
    const bound = arrivedAt - audioSeconds * 1000;
    if (!Number.isFinite(bound)) return;
    if (this.best === undefined || bound < this.best) this.best = Math.round(bound);
  }
}
