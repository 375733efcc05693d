import { describe, expect, it } from "vitest";
import { addCaption, emptyCaptionLog } from "../../src/captions/captionLog.js";
import { screenLines, screenTarget } from "../../src/screen/screenLines.js";

describe("screenLines", () => {
  it("keeps the newest three lines of the screen's language, oldest first", () => {
    let log = emptyCaptionLog;
    for (let seq = 0; seq < 5; seq++) {
      log = addCaption(log, { language: "es", seq, text: `es ${seq}` });
      log = addCaption(log, { language: "fr", seq, text: `fr ${seq}` });
    }
    expect(screenLines(log, "es").map((l) => l.text)).toEqual(["es 2", "es 3", "es 4"]);
  });

  it("shows fewer lines while fewer were said", () => {
    expect(screenLines(addCaption(emptyCaptionLog, { language: "en", seq: 0, text: "Hello" }), "en")).toHaveLength(1);
  });
});

describe("screenTarget", () => {
  it("reads the session and language of a caption screen link", () => {
    expect(screenTarget("?session=amber-harbor-482&lang=es")).toEqual({
      sessionId: "amber-harbor-482",
      language: "es",
    });
  });

  it("is undefined when either is missing or malformed", () => {
    expect(screenTarget("?session=amber-harbor-482")).toBeUndefined();
    expect(screenTarget("?lang=es")).toBeUndefined();
    expect(screenTarget("?session=../../x&lang=es")).toBeUndefined();
    expect(screenTarget("?session=amber-harbor-482&lang=<b>")).toBeUndefined();
  });
});
