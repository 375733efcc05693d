import { describe, expect, it } from "vitest";
import { addSegment, addTranslation } from "../../../src/renderer/live/transcriptLog.js";

describe("transcript log", () => {
  it("adds segments in order once and attaches translations and errors", () => {
    let log = addSegment([], 1, "world");
    log = addSegment(log, 0, "hello");
    log = addSegment(log, 1, "again");
    expect(log.map((s) => s.text)).toEqual(["hello", "world"]);
    log = addTranslation(log, 1, "es", "mundo", undefined);
    log = addTranslation(log, 1, "fr", undefined, "timeout");
    expect(log[1]).toMatchObject({ translations: { es: "mundo" }, errors: { fr: "timeout" } });
  });
});
