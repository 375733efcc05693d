/**
 * The AudioWorklet that taps the capture graph: it posts mono Float32 blocks at the device
 * rate to the main thread, where they are resampled to 16 kHz. Kept as source text so it
 * loads from a Blob URL without a separate build output.
 *
 * Blocks of 512 frames (10.7 ms at 48 kHz, four render quanta) rather than 2048 (42.7 ms): a
 * sample waits at most one block here before it can go out in a 50 ms chunk, so the larger
 * block added up to 32 ms to every word's way to the recognizer. The main thread then gets
 * about 94 messages a second instead of 23, each a resampling of 512 samples.
 */
const BLOCK_FRAMES = 512;
export const CAPTURE_PROCESSOR_NAME = "babelcast-pcm-capture";

export const CAPTURE_WORKLET_SOURCE = `
class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(${BLOCK_FRAMES});
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
        this.block = new Float32Array(${BLOCK_FRAMES});
        this.filled = 0;
      }
    }
    return true;
  }
}
registerProcessor(${JSON.stringify(CAPTURE_PROCESSOR_NAME)}, PcmCaptureProcessor);
`;
