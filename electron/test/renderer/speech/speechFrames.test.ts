import { encodeSpeechFrame } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { decodeSpeech } from "../../../src/renderer/speech/speechFrames.js";

const _opts = { leadSeconds: 0.05, maxBacklogSeconds: 10 };

describe("speech frames", () => {
  it("decodes a PCM frame into samples of its language and segment", async () => {
    const frame = encodeSpeechFrame({
      language: "es",
      seq: 3,
      segmentSeq: 7,
      format: "pcm",
      sampleRate: 22050,
      rate: 1,
      audio: new Uint8Array([0x00, 0x40, 0x00, 0xc0]),
    });
    const buffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
    const speech = await decodeSpeech(buffer, {} as BaseAudioContext);
    expect(speech).toMatchObject({ language: "es", segmentSeq: 7, sampleRate: 22050 });
    expect(Array.from(speech?.samples ?? [])).toEqual([0.5, -0.5]);
  });
});
