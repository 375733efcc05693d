import { describe, expect, it } from "vitest";
import { format, stringsFor, UI_STRINGS, uiLanguage } from "../../src/i18n/strings.js";

describe("page strings", () => {
  const english = UI_STRINGS.en!;

  it("exist for en, es, fr, de and pt", () => {
    expect(Object.keys(UI_STRINGS).sort()).toEqual(["de", "en", "es", "fr", "pt"]);
  });

  it.each(Object.entries(UI_STRINGS))("%s has every text, none empty, with the same placeholders", (_, strings) => {
    expect(Object.keys(strings).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(strings)) {
      expect(text.trim(), key).not.toBe("");
      const placeholders = (s: string) => s.match(/\{\w+\}/g) ?? [];
      expect(placeholders(text), key).toEqual(placeholders(english[key as keyof typeof english]));
    }
  });

  it("translations differ from English where the words differ", () => {
    expect(stringsFor("es").listen).toBe("Escuchar");
    expect(stringsFor("de").reconnecting).not.toBe(english.reconnecting);
  });
});

describe("uiLanguage", () => {
  it("speaks the language the listener listens in", () => {
    expect(uiLanguage("fr", ["en-US"])).toBe("fr");
  });

  it("falls back to the browser's languages, then English", () => {
    expect(uiLanguage("ja", ["ru", "pt-BR"])).toBe("pt");
    expect(uiLanguage(undefined, ["ja"])).toBe("en");
  });
});

it("format fills placeholders and leaves unknown ones", () => {
  expect(format("{s} s behind {x}", { s: 2.5 })).toBe("2.5 s behind {x}");
});
