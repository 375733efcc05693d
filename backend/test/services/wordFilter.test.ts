import { describe, expect, it } from "vitest";
import { filterText, vocabularyFilterPlan, wordsFor } from "../../src/services/wordFilter.js";

describe("filterText", () => {
  it("masks listed words with *** whatever their case, keeping punctuation and spacing", () => {
    expect(filterText("Darn it, the DARN printer jammed.", ["darn"], "mask")).toBe("*** it, the *** printer jammed.");
  });

  it("removes listed words without leaving double spaces or a space before punctuation", () => {
    expect(filterText("Darn it, the darn printer jammed darn.", ["darn"], "remove")).toBe("it, the printer jammed.");
  });

  it("filters whole words only, never a word that contains a listed one", () => {
    expect(filterText("The submarine is marine blue.", ["marine"], "mask")).toBe("The submarine is *** blue.");
    expect(filterText("darned darn-it darn", ["darn"], "mask")).toBe("darned darn-it ***");
  });

  it("filters words with apostrophes and accents as whole words", () => {
    expect(filterText("Ne dis pas merde, c'est grossier.", ["merde", "c'est"], "mask")).toBe(
      "Ne dis pas ***, *** grossier.",
    );
    expect(filterText("Él dijo caramba y ÉL se fue.", ["él"], "remove")).toBe("dijo caramba y se fue.");
  });

  it("leaves text without listed words unchanged, and any text when the list is empty", () => {
    expect(filterText("Good  morning ,all", ["darn"], "remove")).toBe("Good  morning ,all");
    expect(filterText("darn", [], "mask")).toBe("darn");
  });
});

describe("wordsFor", () => {
  const filter = { method: "mask" as const, words: ["darn"], targets: { fr: ["zut"] } };
  it("takes a target language's own words, else the source words", () => {
    expect(wordsFor(filter, "fr", "en")).toEqual(["zut"]);
    expect(wordsFor(filter, "es", "en")).toEqual(["darn"]);
    expect(wordsFor(filter, "en", "en")).toEqual(["darn"]);
    expect(wordsFor(undefined, "fr", "en")).toEqual([]);
  });
});

describe("vocabularyFilterPlan", () => {
  it("holds the source words once each, in lower case, in the source's Transcribe language", () => {
    const plan = vocabularyFilterPlan({
      sourceLanguage: "en",
      wordFilter: { method: "remove", words: ["Darn", "darn", "heck"], targets: {} },
    });
    expect(plan).toMatchObject({ languageCode: "en-US", words: ["darn", "heck"] });
  });

  it("keeps out English words Transcribe refuses (digits), and is absent without a usable word", () => {
    const plan = vocabularyFilterPlan({
      sourceLanguage: "en",
      wordFilter: { method: "mask", words: ["r2d2", "heck"], targets: {} },
    });
    expect(plan?.words).toEqual(["heck"]);
    expect(
      vocabularyFilterPlan({ sourceLanguage: "en", wordFilter: { method: "mask", words: ["r2d2"], targets: {} } }),
    ).toBeUndefined();
    expect(vocabularyFilterPlan({ sourceLanguage: "en" })).toBeUndefined();
  });

  it("changes its key when the words change, not when only the method does", () => {
    const key = (words: string[], method: "mask" | "remove") =>
      vocabularyFilterPlan({ sourceLanguage: "en", wordFilter: { method, words, targets: {} } })?.key;
    expect(key(["darn"], "mask")).toBe(key(["darn"], "remove"));
    expect(key(["darn"], "mask")).not.toBe(key(["heck"], "mask"));
  });
});
