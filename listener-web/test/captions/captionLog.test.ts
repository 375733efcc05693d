import { describe, expect, it } from "vitest";
import { addCaption, emptyCaptionLog, lastSeqOf, setPartial } from "../../src/captions/captionLog.js";

const es = (seq: number, text = `frase ${seq}`) => ({ language: "es", seq, text });

describe("caption log", () => {
  it("appends captions and tracks the last seq per language for hello", () => {
    let log = addCaption(emptyCaptionLog, es(0));
    log = addCaption(log, es(1));
    expect(log.lines.map((l) => l.text)).toEqual(["frase 0", "frase 1"]);
    expect(lastSeqOf(log, "es")).toBe(1);
    expect(lastSeqOf(log, "fr")).toBe(-1);
  });

  it("ignores a caption re-sent after a reconnection", () => {
    const log = addCaption(addCaption(emptyCaptionLog, es(0)), es(1));
    expect(addCaption(log, es(1, "duplicate"))).toBe(log);
  });

  it("puts a late caption in seq order within its language", () => {
    let log = addCaption(emptyCaptionLog, es(0));
    log = addCaption(log, es(2));
    log = addCaption(log, es(1));
    expect(log.lines.map((l) => l.seq)).toEqual([0, 1, 2]);
    expect(lastSeqOf(log, "es")).toBe(2);
  });

  it("keeps lines of the previous language after a switch and counts seqs apart", () => {
    let log = addCaption(emptyCaptionLog, es(5));
    log = addCaption(log, { language: "fr", seq: 0, text: "phrase" });
    expect(log.lines.map((l) => l.key)).toEqual(["es:5", "fr:0"]);
    expect(lastSeqOf(log, "fr")).toBe(0);
  });

  it("drops the oldest lines past the limit", () => {
    let log = emptyCaptionLog;
    for (let i = 0; i < 5; i++) log = addCaption(log, es(i), 3);
    expect(log.lines.map((l) => l.seq)).toEqual([2, 3, 4]);
  });

  it("shows a partial until the final that completes it arrives", () => {
    const log = setPartial(emptyCaptionLog, "hello wor");
    expect(log.partial).toBe("hello wor");
    expect(addCaption(log, { language: "en", seq: 0, text: "Hello world." }).partial).toBe("");
  });
});
