import { describe, expect, it } from "vitest";
import { glossaryKey, glossaryTerminologyCsv } from "../../src/segmentJourney/glossaryTerminology.js";

describe("session glossary as Translate custom terminology", () => {
  it("writes source and target columns, keeping a term as is where it has no target", () => {
    const csv = glossaryTerminologyCsv(
      "en",
      ["es", "fr", "en"],
      [
        { source: "keynote", targets: { es: "ponencia", fr: "conférence" } },
        { source: "Q&A, live", targets: { es: "preguntas" } },
      ],
    );
    expect(csv).toBe('en,es,fr\nkeynote,ponencia,conférence\n"Q&A, live",preguntas,"Q&A, live"\n');
  });

  it("fingerprints the file, so a changed glossary is imported again and an unchanged one is not", () => {
    expect(glossaryKey("en,es\nkeynote,ponencia\n")).toBe(glossaryKey("en,es\nkeynote,ponencia\n"));
    expect(glossaryKey("en,es\nkeynote,ponencia\n")).not.toBe(glossaryKey("en,es\nkeynote,conferencia\n"));
  });
});
