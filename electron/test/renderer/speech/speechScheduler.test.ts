import { describe, expect, it } from "vitest";
import {
  duckSpans,
  pcm16ToFloat32,
  queuedSeconds,
  scheduleChunk,
} from "../../../src/renderer/speech/speechScheduler.js";

const opts = { leadSeconds: 0.05, maxBacklogSeconds: 10 };

describe("speech scheduling", () => {
  it("starts a chunk shortly after now when nothing is playing", () => {
    const r = scheduleChunk(0, 12, 2, opts);
    expect(r).toMatchObject({
      kind: "scheduled",
      chunk: { start: 12.05, end: 14.05, contiguous: false },
      nextStart: 14.05,
    });
  });

  it("queues the next chunk exactly at the end of the previous one: no gap, no overlap", () => {
    const a = scheduleChunk(0, 10, 1.5, opts);
    if (a.kind !== "scheduled") throw new Error("dropped");
    const b = scheduleChunk(a.nextStart, 10.7, 0.8, opts);
    expect(b).toMatchObject({ kind: "scheduled", chunk: { start: a.chunk.end, contiguous: true } });
    if (b.kind === "scheduled") expect(b.chunk.end).toBeCloseTo(a.chunk.end + 0.8, 10);
  });

  it("does not schedule into the past when a chunk arrives late", () => {
    const r = scheduleChunk(10.02, 10.01, 1, opts);
    expect(r.kind === "scheduled" && r.chunk.start).toBeCloseTo(10.06, 10);
  });

  it("drops a chunk when the queue is longer than the backlog limit", () => {
    const r = scheduleChunk(30, 15, 1, opts);
    expect(r).toEqual({ kind: "dropped", backlogSeconds: 15, nextStart: 30 });
    expect(queuedSeconds(30, 15)).toBe(15);
    expect(queuedSeconds(10, 15)).toBe(0);
  });

  it("bridges short pauses between chunks so the floor does not pump", () => {
    expect(
      duckSpans(
        [
          { start: 3, end: 4 },
          { start: 0, end: 1 },
          { start: 1.2, end: 2 },
        ],
        0.4,
      ),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 4 },
    ]);
  });

  it("decodes 16-bit little-endian PCM", () => {
    const bytes = new Uint8Array([0x00, 0x80, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x40]);
    expect(Array.from(pcm16ToFloat32(bytes))).toEqual([-1, 32767 / 32768, 0, 0.5]);
  });
});
