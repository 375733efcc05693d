import { decodeSpeechFrame } from "@babelcast/protocol";
import { pcm16ToFloat32 } from "./speechScheduler.js";

/**
 * Synthesized speech arrives as binary WebSocket frames (header format in the protocol's
 * speechFrame module). This turns one into samples a SpeechPlayer can queue: PCM directly,
 * MP3 and Ogg through the browser's decoder.
 */
export interface DecodedSpeech {
  readonly language: string;
  readonly segmentSeq: number;
  readonly sampleRate: number;
  readonly samples: Float32Array;
}

export type SpeechFrameDecoder = (frame: ArrayBuffer, context: BaseAudioContext) => Promise<DecodedSpeech | undefined>;

export const decodeSpeech: SpeechFrameDecoder = async (frame, context) => {
  const f = decodeSpeechFrame(new Uint8Array(frame));
  if (f.format === "pcm") {
    return {
      language: f.language,
      segmentSeq: f.segmentSeq,
      sampleRate: f.sampleRate,
      samples: pcm16ToFloat32(f.audio),
    };
  }
  // decodeAudioData detaches its buffer: give it a copy of just the audio bytes.
  const decoded = await context.decodeAudioData(f.audio.slice().buffer);
  return {
    language: f.language,
    segmentSeq: f.segmentSeq,
    sampleRate: decoded.sampleRate,
    samples: decoded.getChannelData(0),
  };
};
