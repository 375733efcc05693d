import { describe, expect, it } from "vitest";
import {
  POLLY_MAX_BILLED_CHARACTERS,
  POLLY_MAX_TOTAL_CHARACTERS,
  pollyTexts,
} from "../../../src/renderer/speech/pollyText.js";

/** What Polly bills: the text without SSML tags, entities counted as one character. */
const billed = (ssml: string) => ssml.replace(/<[^>]+>/g, "").replace(/&[a-z]+;/g, "x").length;

describe("Polly request text", () => {
  it("sends plain text at the normal rate and SSML prosody when sped up, escaping the text", () => {
    expect(pollyTexts("Hola a todos.", 1)).toEqual([{ Text: "Hola a todos.", TextType: "text" }]);
    expect(pollyTexts("Tom & Jerry <3", 1.25)).toEqual([
      { Text: '<speak><prosody rate="125%">Tom &amp; Jerry &lt;3</prosody></speak>', TextType: "ssml" },
    ]);
  });

  it("leaves a masked word (***) out of the speech", () => {
    expect(pollyTexts("Das *** Haus ist groß.", 1)).toEqual([{ Text: "Das Haus ist groß.", TextType: "text" }]);
    expect(pollyTexts("***", 1)).toEqual([]);
  });

  it("splits a translation longer than Polly's billed limit at sentence ends, losing nothing", () => {
    const sentence = "Esta es una frase bastante larga para la prueba de longitud. ";
    const text = sentence.repeat(80).trim(); // ≈ 4900 characters: over the 3000 billed
    const requests = pollyTexts(text, 1);
    expect(requests.length).toBe(2);
    for (const r of requests) {
      expect(r.Text.length).toBeLessThanOrEqual(POLLY_MAX_BILLED_CHARACTERS);
      expect(r.Text.endsWith(".")).toBe(true);
    }
    expect(requests.map((r) => r.Text).join(" ")).toBe(text);
  });

  it("keeps escaped SSML within the total limit even when escaping triples the length", () => {
    const text = "'&' ".repeat(1400).trim(); // 5599 characters, ≈ 12 600 once escaped
    const requests = pollyTexts(text, 1.5);
    expect(requests.length).toBeGreaterThan(2);
    for (const r of requests) {
      expect(r.Text.length).toBeLessThanOrEqual(POLLY_MAX_TOTAL_CHARACTERS);
      expect(billed(r.Text)).toBeLessThanOrEqual(POLLY_MAX_BILLED_CHARACTERS);
    }
    const spoken = requests.map((r) =>
      r.Text.replace(/<[^>]+>/g, "")
        .replaceAll("&apos;", "'")
        .replaceAll("&amp;", "&"),
    );
    expect(spoken.join(" ")).toBe(text);
  });
});
