import { describe, expect, it } from "vitest";
import { preselectLanguage, primaryLanguage, sessionLanguages } from "../../src/language/preselect.js";

describe("preselectLanguage", () => {
  const offered = ["en", "es", "fr"];

  it("prefers the listener's remembered choice when the session has it", () => {
    expect(preselectLanguage(offered, "fr", ["es-ES"], "en")).toBe("fr");
  });

  it("ignores a remembered language this session does not offer", () => {
    expect(preselectLanguage(offered, "de", ["es-MX", "en"], "en")).toBe("es");
  });

  it("matches the browser's languages by primary subtag, in preference order", () => {
    expect(preselectLanguage(offered, null, ["pt-BR", "fr-CA", "es"], "en")).toBe("fr");
  });

  it("falls back to the presenter's language when nothing matches", () => {
    expect(preselectLanguage(offered, null, ["ja-JP"], "en")).toBe("en");
  });

  it("takes the first offered language when even the source is missing from the list", () => {
    expect(preselectLanguage(["es"], null, [], "en")).toBe("es");
  });
});

describe("sessionLanguages", () => {
  it("puts the presenter's language first and drops repeats", () => {
    expect(sessionLanguages("en", ["es", "en", "fr"])).toEqual(["en", "es", "fr"]);
  });
});

it("primaryLanguage lowers case and cuts region and script subtags", () => {
  expect(primaryLanguage("PT-br")).toBe("pt");
  expect(primaryLanguage("zh_Hant_TW")).toBe("zh");
});
