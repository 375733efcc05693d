import { describe, expect, it } from "vitest";
import {
  decodeSpeechFrame,
  encodeSpeechFrame,
  SPEECH_FRAME_HEADER_BYTES,
  type SpeechFrame,
} from "../src/speechFrame.js";

const frame: SpeechFrame = {
  language: "es",
  seq: 41,
  segmentSeq: 97,
  format: "pcm",
  sampleRate: 16000,
  rate: 1.35,
  audio: new Uint8Array([1, 2, 3, 250, 0, 7]),
};

describe("speech frames to the console", () => {
  it("round-trips every header field and the audio bytes", () => {
    const bytes = encodeSpeechFrame(frame);
    expect(bytes.byteLength).toBe(SPEECH_FRAME_HEADER_BYTES + 6);
    const back = decodeSpeechFrame(bytes);
    expect({ ...back, audio: [...back.audio] }).toEqual({ ...frame, audio: [...frame.audio] });
  });

  it("lays out the header as documented (version first, big-endian numbers)", () => {
    const bytes = encodeSpeechFrame({ ...frame, format: "mp3", seq: 0x01020304 });
    expect([...bytes.subarray(0, 8)]).toEqual([1, 2, 0x65, 0x73, 1, 2, 3, 4]);
  });

  it("decodes a frame inside a larger buffer (as a WebSocket message may arrive)", () => {
    const bytes = encodeSpeechFrame(frame);
    const padded = new Uint8Array(bytes.byteLength + 5);
    padded.set(bytes, 5);
    expect(decodeSpeechFrame(padded.subarray(5)).segmentSeq).toBe(97);
  });

  it("refuses frames it cannot read", () => {
    expect(() => decodeSpeechFrame(new Uint8Array(5))).toThrow(/shorter/);
    const future = encodeSpeechFrame(frame);
    future[0] = 2;
    expect(() => decodeSpeechFrame(future)).toThrow(/version 2/);
    const badFormat = encodeSpeechFrame(frame);
    badFormat[1] = 9;
    expect(() => decodeSpeechFrame(badFormat)).toThrow(/format/);
    expect(() => encodeSpeechFrame({ ...frame, language: "spa" })).toThrow(/two letters/);
  });
});
