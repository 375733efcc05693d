/**
 * Streaming sample-rate converter from the capture device's rate to Transcribe's 16 kHz,
 * with a windowed-sinc low-pass so that content above 8 kHz does not fold back as noise
 * (plain decimation of 48 kHz audio would alias). Pure: Float32 samples in, 16-bit PCM out.
 */
export class PcmResampler {
  private readonly ratio: number;
  /** Cut-off in cycles per input sample: 0.45 of the output rate keeps a margin below Nyquist. */
  private readonly cutoff: number;
  /** Filter half-width in input samples. */
  private readonly halfWidth: number;
  private buffer = new Float32Array(0);
  /** Absolute input index of buffer[0]. */
  private bufferStart = 0;
  /** Absolute index of the next output sample. */
  private nextOutput = 0;

  constructor(
    readonly inputRate: number,
    readonly outputRate = 16000,
    /** Zero crossings of the sinc on each side, in output samples: quality against cost. */
    halfTaps = 12,
  ) {
    if (!(inputRate > 0 && outputRate > 0)) throw new Error(`invalid sample rates ${inputRate} → ${outputRate}`);
    this.ratio = inputRate / outputRate;
    this.cutoff = 0.45 / Math.max(1, this.ratio);
    this.halfWidth = Math.ceil(halfTaps * Math.max(1, this.ratio));
  }

  private kernel(distance: number): number {
    const u = distance / this.halfWidth;
    if (u <= -1 || u >= 1) return 0;
    const window = 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u); // Blackman
    const x = 2 * this.cutoff * distance;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    return 2 * this.cutoff * sinc * window;
  }

  /** Feeds device samples; returns the 16 kHz samples that are now complete. */
  process(input: Float32Array): Int16Array {
    const joined = new Float32Array(this.buffer.length + input.length);
    joined.set(this.buffer);
    joined.set(input, this.buffer.length);
    this.buffer = joined;
    const available = this.bufferStart + this.buffer.length;
    const out: number[] = [];
    for (;;) {
      const t = this.nextOutput * this.ratio;
      const center = Math.floor(t);
      if (center + this.halfWidth >= available) break;
      let sum = 0;
      let weight = 0;
      for (let n = center - this.halfWidth + 1; n <= center + this.halfWidth; n++) {
        const k = this.kernel(t - n);
        weight += k;
        if (n >= this.bufferStart) sum += (this.buffer[n - this.bufferStart] ?? 0) * k;
      }
      // Normalizing by the kernel sum keeps unit gain at DC whatever the fractional phase.
      const y = weight > 0 ? sum / weight : 0;
      out.push(Math.max(-32768, Math.min(32767, Math.round(y * 32767))));
      this.nextOutput++;
    }
    const keepFrom = Math.max(this.bufferStart, Math.floor(this.nextOutput * this.ratio) - this.halfWidth);
    this.buffer = this.buffer.slice(keepFrom - this.bufferStart);
    this.bufferStart = keepFrom;
    return Int16Array.from(out);
  }
}
