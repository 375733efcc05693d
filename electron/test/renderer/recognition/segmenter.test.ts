import type { Result } from "@aws-sdk/client-transcribe-streaming";
import type { RecognizedSegment } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import type { SegmentClock } from "../../../src/renderer/recognition/committedSegment.js";
import { Segmenter, type SegmenterEvent, type SegmenterOptions } from "../../../src/renderer/recognition/segmenter.js";
import { placeResult } from "../../../src/renderer/recognition/timedResult.js";
import { transcribeResult } from "./transcribeResults.js";

const whole = { id: 1, offset: 0, from: 0 };

function run(results: Result[], options: Partial<SegmenterOptions> = {}, clock?: SegmentClock) {
  const segmenter = new Segmenter(options, clock);
  const events: SegmenterEvent[] = [];
  for (const r of results) {
    const placed = placeResult(r, whole);
    if (placed) events.push(...segmenter.accept(placed));
  }
  const segments = events.flatMap((e) => (e.kind === "segment" ? [e.segment] : []));
  const captions = events.flatMap((e) => (e.kind === "caption" ? [e.text] : []));
  return { segmenter, events, segments, captions };
}
const texts = (segments: RecognizedSegment[]) => segments.map((s) => s.text);
const committedWords = (segments: RecognizedSegment[]) => segments.flatMap((s) => s.words.map((w) => w.text));

describe("segmenter", () => {
  it("commits a sentence as soon as its words and full stop are stable, before the final", () => {
    const { segments } = run([
      transcribeResult("Good morning"),
      transcribeResult("Good~ morning~ everyone."),
      transcribeResult("Good~ morning~ everyone.~ Today"),
      transcribeResult("Good~ morning~ everyone.~ Today~ we"),
    ]);
    expect(texts(segments)).toEqual(["Good morning everyone."]);
    expect(segments[0]?.reason).toBe("sentence");
  });

  it("commits at a clause boundary once the clause is long enough", () => {
    const { segments } = run(
      [
        transcribeResult("When~ the~ light~ turns~ green,~ we~ cross"),
        transcribeResult("When~ the~ light~ turns~ green,~ we~ cross~ the"),
      ],
      { minClauseWords: 4 },
    );
    expect(texts(segments)).toEqual(["When the light turns green,"]);
    expect(segments[0]?.reason).toBe("clause");
  });

  it("does not close a clause that is too short", () => {
    const { segments } = run([transcribeResult("Well,~ I~ think~ that")], { minClauseWords: 4, maxSeconds: 60 });
    expect(segments).toEqual([]);
  });

  it("commits at a pause among stable words, before the final, once the segment is long enough", () => {
    const { segments, captions } = run([
      transcribeResult("he~ was~ not~ _ an ill"),
      transcribeResult("he~ was~ not~ _ an~ ill~ disposed"),
    ]);
    expect(texts(segments)).toEqual(["he was not"]);
    expect(segments[0]?.reason).toBe("pause");
    expect(captions.at(-1)).toBe("an ill disposed");
  });

  it("does not close at a pause too early in the segment, nor at one that is too short", () => {
    expect(run([transcribeResult("he~ was~ _ not~ an")], { minPauseWords: 3, maxSeconds: 60 }).segments).toEqual([]);
    expect(run([transcribeResult("he~ was~ not~ _ an")], { pauseSeconds: 0.5, maxSeconds: 60 }).segments).toEqual([]);
  });

  it("neither repeats nor loses a word between a pause commit and the final", () => {
    const { segments } = run([
      transcribeResult("he~ was~ not~ _ an~ ill"),
      transcribeResult("he was not _ an ill disposed young man.", { partial: false }),
    ]);
    expect(texts(segments)).toEqual(["he was not", "an ill disposed young man."]);
    expect(committedWords(segments)).toEqual(["he", "was", "not", "an", "ill", "disposed", "young", "man"]);
    expect(segments.map((s) => s.reason)).toEqual(["pause", "final"]);
  });

  it("closes a segment when every waiting word is stable, the last one too: the recognizer settled on it at a pause", () => {
    const { segments, captions } = run([
      transcribeResult("he~ was~ not"),
      transcribeResult("he~ was~ not~"),
      transcribeResult("he~ was~ not~ _ an"),
    ]);
    expect(texts(segments)).toEqual(["he was not"]);
    expect(segments[0]?.reason).toBe("pause");
    expect(captions.at(-1)).toBe("an");
  });

  it("waits for more words when fewer than minSettledWords are all stable", () => {
    const { segments } = run([transcribeResult("he~ was~")], { minSettledWords: 3, maxSeconds: 60 });
    expect(segments).toEqual([]);
  });

  it("caps the wait by word count when no boundary comes", () => {
    const { segments } = run([transcribeResult("one~ two~ three~ four~ five~ six~ seven~ eight")], {
      maxWords: 5,
      maxSeconds: 60,
    });
    expect(texts(segments)).toEqual(["one two three four five"]);
    expect(segments[0]?.reason).toBe("words");
  });

  it("caps the wait by audio time when no boundary comes", () => {
    const { segments } = run([transcribeResult("slowly~ spoken~ words~ keep~ coming and")], {
      maxWords: 50,
      maxSeconds: 1.5,
    });
    expect(texts(segments)).toEqual(["slowly spoken words keep"]);
    expect(segments[0]?.reason).toBe("time");
  });

  it("never commits a word twice when later partials and the final repeat it", () => {
    const { segments } = run([
      transcribeResult("Good~ morning~ everyone.~ Today"),
      transcribeResult("Good~ morning~ everyone.~ Today~ we~ talk"),
      transcribeResult("Good morning everyone. Today we talk about captions.", { partial: false }),
    ]);
    expect(texts(segments)).toEqual(["Good morning everyone.", "Today we talk about captions."]);
    expect(committedWords(segments)).toEqual([
      "Good",
      "morning",
      "everyone",
      "Today",
      "we",
      "talk",
      "about",
      "captions",
    ]);
    expect(segments.map((s) => s.seq)).toEqual([0, 1]);
  });

  it("commits everything a final holds, one segment per sentence", () => {
    const { segments } = run([transcribeResult("It works. Does it? Yes", { partial: false })]);
    expect(texts(segments)).toEqual(["It works.", "Does it?", "Yes"]);
    expect(segments.every((s) => s.reason === "final")).toBe(true);
  });

  it("shows the words after the committed ones as the live caption", () => {
    const { captions } = run([
      transcribeResult("Good morning"),
      transcribeResult("Good~ morning~ everyone.~ Today we"),
      transcribeResult("Good morning everyone. Today we start.", { partial: false }),
    ]);
    expect(captions).toEqual(["Good morning", "Today we", ""]);
  });

  it("keeps segments in time order with word times from the items", () => {
    const { segments } = run([transcribeResult("a~ b~ c~ d~ e~ f~ g", { start: 10 })], { maxWords: 3, maxSeconds: 60 });
    expect(texts(segments)).toEqual(["a b c", "d e f"]);
    expect(segments[0]?.startTime).toBeCloseTo(10);
    expect(segments[1]?.startTime).toBeGreaterThanOrEqual(segments[0]?.endTime ?? Number.POSITIVE_INFINITY);
  });

  it("drops words a renewed stream repeats from before the cut", () => {
    const segmenter = new Segmenter();
    const old = placeResult(transcribeResult("We~ begin~ here.", { partial: false, id: "a" }), whole);
    const renewed = placeResult(transcribeResult("here. And~ continue.", { partial: false, id: "b", start: 0 }), {
      id: 2,
      offset: 0.8,
      from: 1.2,
    });
    const events = [...segmenter.accept(old!), ...segmenter.accept(renewed!)];
    const segments = events.flatMap((e) => (e.kind === "segment" ? [e.segment] : []));
    expect(texts(segments)).toEqual(["We begin here.", "And continue."]);
  });

  it("commits nothing from unstable words until the final, without stabilization", () => {
    const results: Result[] = [transcribeResult("no stable words here")];
    const { segments } = run(results, { maxWords: 2 });
    expect(segments).toEqual([]);
  });

  it("flushes waiting words at the end of a session", () => {
    const { segmenter } = run([transcribeResult("last~ words before")]);
    const flushed = segmenter.flush().flatMap((e) => (e.kind === "segment" ? [e.segment.text] : []));
    expect(flushed).toEqual(["last words before"]);
  });

  it("stamps each segment with its commit time, continues the session's numbering, and places its last word on the wall clock", () => {
    let now = 50_000;
    let seq = 7;
    const segmenter = new Segmenter({}, { nextSeq: () => seq++, now: () => now, audioStartedAt: 48_000 });
    const first = segmenter.accept(placeResult(transcribeResult("Good morning everyone.", { partial: false }), whole)!);
    now = 60_000;
    const second = segmenter.accept(
      placeResult(transcribeResult("Today we begin.", { partial: false, start: 2 }), whole)!,
    );
    const segments = [...first, ...second].flatMap((e) => (e.kind === "segment" ? [e.segment] : []));
    expect(segments.map((s) => [s.seq, s.committedAt])).toEqual([
      [7, 50_000],
      [8, 60_000],
    ]);
    // "everyone" ends at 1.15 s of audio: 48 000 + 1150 ms on the wall clock.
    expect(segments[0]?.spokenEndAt).toBe(49_150);
    // A word is never placed after its own commit, however early the audio start estimate.
    const late = new Segmenter({}, { nextSeq: () => 0, now: () => 1_000, audioStartedAt: 900 });
    const [event] = late.accept(placeResult(transcribeResult("Hello.", { partial: false }), whole)!);
    expect(event?.kind === "segment" && event.segment.spokenEndAt).toBe(1_000);
  });

  it("commits but drops the words it may not publish, without using up a number", () => {
    let onAir = false;
    let seq = 0;
    const segmenter = new Segmenter({}, { nextSeq: () => (onAir ? seq++ : undefined), now: () => 0 });
    const muted = segmenter.accept(placeResult(transcribeResult("Said while muted.", { partial: false }), whole)!);
    onAir = true;
    const later = segmenter.accept(
      placeResult(transcribeResult("Said while muted. Said on air.", { partial: false }), whole)!,
    );
    const published = [...muted, ...later].flatMap((e) => (e.kind === "segment" ? [e.segment] : []));
    expect(published.map((s) => [s.seq, s.text])).toEqual([[0, "Said on air."]]);
  });
});
