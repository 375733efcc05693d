import { describe, expect, it } from "vitest";
import { deformatText, reformatText } from "../../src/engines/apertiumStream.js";
import { InvalidSsmlError, parseRate, parseSsml } from "../../src/polly/ssml.js";
import { apertiumLanguages, findApertiumRoute, parseModeName } from "../../src/translate/apertiumRoutes.js";
import {
  formatTerminologyFile,
  parseTerminologyFile,
  protectTerms,
  TerminologyFileError,
  termsFor,
} from "../../src/translate/terminology.js";

const MODES = [
  "eng-spa",
  "spa-eng",
  "es-fr",
  "fr-es",
  "es-pt",
  "pt-es",
  "spa-ita",
  "ita-spa",
  "eng-cat",
  "cat-eng",
  "eng-cat_valencia",
];

describe("Apertium routes", () => {
  it("reads mode names in either ISO form and skips variants", () => {
    expect(parseModeName("eng-spa")).toEqual({ from: "en", to: "es" });
    expect(parseModeName("es-fr")).toEqual({ from: "es", to: "fr" });
    expect(parseModeName("eng-cat_valencia")).toBeUndefined();
  });

  it("takes the language table's route from English, pivoting through Spanish", () => {
    expect(findApertiumRoute("en", "es", MODES)).toEqual(["eng-spa"]);
    expect(findApertiumRoute("en", "fr", MODES)).toEqual(["eng-spa", "es-fr"]);
    expect(findApertiumRoute("en", "it", MODES)).toEqual(["eng-spa", "spa-ita"]);
  });

  it("finds the shortest chain for other directions, and none where there is none", () => {
    expect(findApertiumRoute("fr", "en", MODES)).toEqual(["fr-es", "spa-eng"]);
    expect(findApertiumRoute("pt", "fr", MODES)).toEqual(["pt-es", "es-fr"]);
    expect(findApertiumRoute("en", "de", MODES)).toBeUndefined();
    expect(findApertiumRoute("es", "es", MODES)).toEqual([]);
  });

  it("lists the languages reached from English and back, not one a mode only touches", () => {
    expect(apertiumLanguages(MODES)).toEqual(["ca", "en", "es", "fr", "it", "pt"]);
    // Galician: reached from English through Spanish, but no mode leads back.
    expect(apertiumLanguages([...MODES, "es-gl"])).toEqual(["ca", "en", "es", "fr", "it", "pt"]);
    expect(apertiumLanguages([...MODES, "es-gl", "gl-es"])).toEqual(["ca", "en", "es", "fr", "gl", "it", "pt"]);
  });
});

describe("Apertium's text stream format", () => {
  it("escapes the stream's reserved characters and undoes it on the way back", () => {
    const text = "Prices [2024] <a> {b} $5 \\ / @ ^ ~ ok";
    expect(deformatText(text)).toBe("Prices \\[2024\\] \\<a\\> \\{b\\} \\$5 \\\\ \\/ \\@ \\^ [~] ok[]");
    expect(reformatText(deformatText(text))).toBe(text);
  });

  it("makes one caption line of the text", () => {
    expect(reformatText(deformatText("  two\n lines\t here "))).toBe("two lines here");
  });
});

describe("custom terminology", () => {
  const csv = new TextEncoder().encode('en,es,fr\nkeynote,ponencia,conférence\n"Q&A, live",preguntas,questions\n');

  it("parses Translate's CSV format and writes it back", () => {
    const t = parseTerminologyFile("g", "CSV", csv);
    expect(t.languages).toEqual(["en", "es", "fr"]);
    expect(termsFor(t, "en", "es")).toEqual([
      { source: "keynote", target: "ponencia" },
      { source: "Q&A, live", target: "preguntas" },
    ]);
    expect(parseTerminologyFile("g", "CSV", new TextEncoder().encode(formatTerminologyFile(t))).rows).toEqual(t.rows);
    expect(termsFor(t, "en", "de")).toEqual([]);
  });

  it("refuses a file without a header of languages or with ragged rows", () => {
    expect(() => parseTerminologyFile("g", "CSV", new TextEncoder().encode("hello,world\nx,y\n"))).toThrow(
      TerminologyFileError,
    );
    expect(() => parseTerminologyFile("g", "CSV", new TextEncoder().encode("en,es\nx\n"))).toThrow(/Row 2/);
  });

  it("swaps whole-word terms (any case, longest first) for placeholders and restores the targets", () => {
    const guarded = protectTerms("The Keynote and the keynotes of Babel cast", [
      { source: "keynote", target: "ponencia" },
      { source: "Babel cast", target: "Babelcast" },
      { source: "Babel", target: "Babilonia" },
    ]);
    expect(guarded.text).not.toMatch(/Keynote |Babel/);
    expect(guarded.text).toContain("keynotes");
    expect(guarded.applied.map((p) => p.source)).toEqual(["Babel cast", "keynote"]);
    expect(guarded.restore(guarded.text.replace("The", "La"))).toBe("La ponencia and the keynotes of Babelcast");
  });
});

describe("Polly SSML", () => {
  it("maps prosody rates, nested rates multiply", () => {
    expect(parseRate("x-fast")).toBe(1.5);
    expect(parseRate("135%")).toBe(1.35);
    const { parts, billedCharacters } = parseSsml(
      '<speak>Hola <prosody rate="150%">rápido <prosody rate="80%">medio</prosody></prosody><break time="300ms"/>fin</speak>',
    );
    expect(parts).toEqual([
      { kind: "text", text: "Hola ", rate: 1 },
      { kind: "text", text: "rápido ", rate: 1.5 },
      { kind: "text", text: "medio", rate: 1.2 },
      { kind: "break", ms: 300 },
      { kind: "text", text: "fin", rate: 1 },
    ]);
    expect(billedCharacters).toBe("Hola rápido mediofin".length);
  });

  it("decodes entities and speaks a sub's alias instead of its text", () => {
    const { parts } = parseSsml('<speak>A &amp; B <sub alias="World Wide Web">WWW</sub></speak>');
    expect(parts).toEqual([{ kind: "text", text: "A & B World Wide Web", rate: 1 }]);
  });

  it("refuses what Polly refuses", () => {
    for (const bad of [
      "Hola",
      "<speak>Hola",
      "<speak><prosody rate='150%'>x</speak>",
      "<speak><prosody rate='300%'>x</prosody></speak>",
      "<speak><blink>x</blink></speak>",
      "<speak>a & b</speak>",
      "<speak>x</speak><speak>y</speak>",
    ]) {
      expect(() => parseSsml(bad), bad).toThrow(InvalidSsmlError);
    }
  });
});
