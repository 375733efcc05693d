/**
 * The AudioWorklet that taps the capture graph: it posts mono Float32 blocks at the device
 * rate to the main thread, where they are resampled to 16 kHz. Kept as source text so it
 * loads from a Blob URL without a separate build output.
 */
export const CAPTURE_PROCESSOR_NAME = "babelcast-pcm-capture";

export const CAPTURE_WORKLET_SOURCE = `
class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(2048);
    this.filled = 0;
  }
  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const frames = input[0].length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < input.length; c++) sum += input[c][i];
      this.block[this.filled++] = sum / input.length;
      if (this.filled === this.block.length) {
        this.port.postMessage(this.block, [this.block.buffer]);
        this.block = new Float32Array(2048);
        this.filled = 0;
      }
    }
    return true;
  }
}
registerProcessor(${JSON.stringify(CAPTURE_PROCESSOR_NAME)}, PcmCaptureProcessor);
`;
