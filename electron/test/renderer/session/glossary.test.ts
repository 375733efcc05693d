import { describe, expect, it } from "vitest";
import { formatGlossary, parseGlossary } from "../../../src/renderer/session/glossary.js";

describe("glossary box", () => {
  it("parses terms with per-language translations and keep-as-is terms", () => {
    const { entries, errors } = parseGlossary(
      "Babelcast\nHoly Spirit = es:Espíritu Santo, fr:Saint-Esprit\n# comment\n",
    );
    expect(errors).toEqual([]);
    expect(entries).toEqual([
      { source: "Babelcast", targets: {} },
      { source: "Holy Spirit", targets: { es: "Espíritu Santo", fr: "Saint-Esprit" } },
    ]);
    expect(parseGlossary(formatGlossary(entries)).entries).toEqual(entries);
  });
  it("names the line of a malformed entry", () => {
    expect(parseGlossary("ok\n= es:x").errors).toEqual(['line 2: the term before "=" is empty']);
    expect(parseGlossary("term = spanish").errors[0]).toMatch(/line 1: write each translation as lang:term/);
  });
});
