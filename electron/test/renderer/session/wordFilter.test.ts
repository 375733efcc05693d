import { describe, expect, it } from "vitest";
import { parseWordFilter } from "../../../src/renderer/session/wordFilter.js";

describe("the word filter box", () => {
  it("reads spoken-language words separated by spaces, commas and lines, and per-language lines", () => {
    const { filter, errors } = parseWordFilter("darn, heck\nshoot\nfr: zut mince\n# a comment\nES: caramba", "remove");
    expect(errors).toEqual([]);
    expect(filter).toEqual({
      method: "remove",
      words: ["darn", "heck", "shoot"],
      targets: { fr: ["zut", "mince"], es: ["caramba"] },
    });
  });

  it("is no filter when the box is empty", () => {
    expect(parseWordFilter(" \n# nothing\n", "mask").filter).toBeUndefined();
  });

  it("names the line of a word longer than Transcribe takes", () => {
    expect(parseWordFilter(`ok\n${"a".repeat(257)}`, "mask").errors).toEqual([
      expect.stringMatching(/^line 2: .* longer than 256 characters/),
    ]);
  });
});
