import { CAPTURE_PROCESSOR_NAME, CAPTURE_WORKLET_SOURCE } from "./captureWorklet.js";
import { PcmResampler } from "./pcmResampler.js";

/** 16 kHz PCM from a capture MediaStream: AudioWorklet tap → resampler → chunks of `chunkMs`. */
export interface PcmCapture {
  readonly deviceRate: number;
  stop(): Promise<void>;
}

export interface PcmCaptureOptions {
  readonly onPcm: (pcm: Int16Array) => void;
  readonly outputRate?: number;
  /**
   * Transcribe's latency depends on the chunk size; 50–200 ms chunks are its recommendation
   * (https://docs.aws.amazon.com/transcribe/latest/dg/streaming.html#best-practices). 50 ms by
   * default, the low end: a word's audio reaches the recognizer 25 ms sooner on average than
   * with 100 ms chunks (docs/performance.md, "Where a caption's time goes").
   */
  readonly chunkMs?: number;
  /** An existing context of the capture graph; one is created otherwise. */
  readonly context?: AudioContext;
}

export async function startPcmCapture(stream: MediaStream, options: PcmCaptureOptions): Promise<PcmCapture> {
  const outputRate = options.outputRate ?? 16000;
  const chunkSamples = Math.round((outputRate * (options.chunkMs ?? 50)) / 1000);
  const context = options.context ?? new AudioContext();
  const ownContext = !options.context;
  const url = URL.createObjectURL(new Blob([CAPTURE_WORKLET_SOURCE], { type: "text/javascript" }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const source = context.createMediaStreamSource(stream);
  const tap = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, { numberOfOutputs: 0 });
  const resampler = new PcmResampler(context.sampleRate, outputRate);
  let pending = new Int16Array(0);
  tap.port.onmessage = (event: MessageEvent<Float32Array>) => {
    const pcm = resampler.process(event.data);
    const joined = new Int16Array(pending.length + pcm.length);
    joined.set(pending);
    joined.set(pcm, pending.length);
    let at = 0;
    while (joined.length - at >= chunkSamples) {
      options.onPcm(joined.slice(at, at + chunkSamples));
      at += chunkSamples;
    }
    pending = joined.slice(at);
  };
  source.connect(tap);
  if (context.state === "suspended") await context.resume();
  return {
    deviceRate: context.sampleRate,
    async stop() {
      source.disconnect();
      tap.port.onmessage = null;
      tap.disconnect();
      if (ownContext) await context.close();
    },
  };
}
