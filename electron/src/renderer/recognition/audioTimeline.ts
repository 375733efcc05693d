/**
 * The last few seconds of 16 kHz PCM with their position in the session's audio, so that a
 * renewed stream can start a little before the cut. Pure.
 */
export class AudioTimeline {
  private chunks: { start: number; pcm: Int16Array }[] = [];
  /** Samples appended since the session began: the session's audio clock. */
  private total = 0;

  constructor(
    readonly sampleRate: number,
    /** How much audio to keep, in seconds. */
    readonly keepSeconds: number,
  ) {}

  get samples(): number {
    return this.total;
  }

  /** The session's audio clock in seconds. */
  get seconds(): number {
    return this.total / this.sampleRate;
  }

  append(pcm: Int16Array): void {
    this.chunks.push({ start: this.total, pcm });
    this.total += pcm.length;
    const oldest = this.total - Math.ceil(this.keepSeconds * this.sampleRate);
    while (this.chunks.length > 1 && (this.chunks[1]?.start ?? 0) <= oldest) this.chunks.shift();
  }

  /**
   * The kept audio from `seconds` on (or from the oldest kept sample, if that is later), and
   * the session time at which it starts.
   */
  since(seconds: number): { startSeconds: number; chunks: Int16Array[] } {
    const from = Math.max(0, Math.round(seconds * this.sampleRate));
    const out: Int16Array[] = [];
    let startSample = this.total;
    for (const chunk of this.chunks) {
      const end = chunk.start + chunk.pcm.length;
      if (end <= from) continue;
      const skip = Math.max(0, from - chunk.start);
      if (out.length === 0) startSample = chunk.start + skip;
      out.push(skip > 0 ? chunk.pcm.subarray(skip) : chunk.pcm);
    }
    return { startSeconds: startSample / this.sampleRate, chunks: out };
  }
}
