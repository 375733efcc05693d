import { describe, expect, it } from "vitest";
import { AudioClockAnchor } from "../../../src/renderer/recognition/audioClockAnchor.js";

describe("audio clock anchor", () => {
  it("knows no audio start before the first chunk", () => {
    expect(new AudioClockAnchor().startedAt).toBeUndefined();
  });

  it("places audio time 0 at the first chunk's arrival minus the audio it carried", () => {
    const anchor = new AudioClockAnchor();
    anchor.observe(10_050, 0.05);
    expect(anchor.startedAt).toBe(10_000);
  });

  it("keeps the earliest bound: a chunk that reached a busy page late does not move audio time 0 later", () => {
    const anchor = new AudioClockAnchor();
    anchor.observe(10_080, 0.05); // the first chunk waited 30 ms for the main thread
    anchor.observe(10_100, 0.1);
    anchor.observe(10_400, 0.15); // a long stall
    expect(anchor.startedAt).toBe(10_000);
  });

  it("ignores a chunk with no finite time", () => {
    const anchor = new AudioClockAnchor();
    anchor.observe(Number.NaN, 0.05);
    expect(anchor.startedAt).toBeUndefined();
  });
});
