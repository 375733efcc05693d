import { describe, expect, it } from "vitest";
import { vocabularyPhrases } from "../../../src/renderer/recognition/glossaryVocabulary.js";

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
