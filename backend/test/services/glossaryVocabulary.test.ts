import { describe, expect, it } from "vitest";
import { vocabularyPhrases, vocabularyPlan } from "../../src/services/glossaryVocabulary.js";

describe("glossary as Transcribe vocabulary phrases", () => {
  it("joins multi-word terms with hyphens and drops what Transcribe refuses", () => {
    expect(vocabularyPhrases(["Babelcast", "Los Angeles", "K8s cluster", "A.W.S.", "O'Neill", "café au lait"])).toEqual(
      ["Babelcast", "Los-Angeles", "K-s-cluster", "A.W.S.", "O'Neill", "café-au-lait"],
    );
  });

  it("keeps each phrase once and skips empty terms", () => {
    expect(vocabularyPhrases(["Dashwood", "Dashwood", "  ", "123"])).toEqual(["Dashwood"]);
  });
});

describe("the session's vocabulary plan", () => {
  const entry = (source: string) => ({ source, targets: {} });

  it("builds an English vocabulary from the glossary's source terms, fingerprinted", () => {
    const plan = vocabularyPlan({ sourceLanguage: "en", glossary: [entry("Babelcast"), entry("Los Angeles")] });
    expect(plan).toMatchObject({ languageCode: "en-US", phrases: ["Babelcast", "Los-Angeles"] });
    const changed = vocabularyPlan({ sourceLanguage: "en", glossary: [entry("Babelcast")] });
    expect(changed?.key).not.toBe(plan?.key);
  });

  it("plans none without a usable term or for a source language with other phrase rules", () => {
    expect(vocabularyPlan({ sourceLanguage: "en", glossary: [] })).toBeUndefined();
    expect(vocabularyPlan({ sourceLanguage: "en", glossary: [entry("123")] })).toBeUndefined();
    expect(vocabularyPlan({ sourceLanguage: "es", glossary: [entry("Babelcast")] })).toBeUndefined();
  });
});
