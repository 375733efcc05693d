import { LANGUAGE_CODES, type LanguagesResponse } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import {
  servableTargets,
  sourceChoices,
  sourceSwitchChoices,
  targetChoices,
} from "../../../src/renderer/session/languageChoices.js";

const answer: LanguagesResponse = {
  engineHome: "embedded",
  source: "en",
  languages: LANGUAGE_CODES.map((code) => ({
    code,
    englishName: code,
    nativeName: code,
    recognition: code === "en" ? { available: true } : { available: false, reason: "no recognizer" },
    ...(code === "en"
      ? {}
      : code === "es"
        ? { capability: "speech" as const }
        : code === "uk"
          ? { capability: "captions" as const, reason: "no voice for Ukrainian" }
          : { capability: "unavailable" as const, reason: `no translation to ${code}` }),
  })),
};

describe("the session form's language choices", () => {
  it("offers as source only the languages the recognizer hears", () => {
    expect(sourceChoices(answer).map((l) => l.code)).toEqual(["en"]);
    expect(sourceChoices(undefined)).toHaveLength(LANGUAGE_CODES.length);
  });

  it("labels each target and disables the unavailable ones, with the reason", () => {
    const by = new Map(targetChoices(answer, "en").map((c) => [c.code, c]));
    expect(by.has("en")).toBe(false);
    expect(by.get("es")).toMatchObject({ label: "speech", disabled: false });
    expect(by.get("uk")).toMatchObject({ label: "captions only", disabled: false, reason: "no voice for Ukrainian" });
    expect(by.get("ja")).toMatchObject({ label: "not available", disabled: true, reason: "no translation to ja" });
  });

  it("does not apply an answer for another source, and drops chosen targets that are unavailable", () => {
    expect(targetChoices(answer, "fr").every((c) => c.capability === "unknown" && !c.disabled)).toBe(true);
    expect(servableTargets(["es", "ja", "uk"], targetChoices(answer, "en"))).toEqual(["es", "uk"]);
  });
});

describe("the live source switch's choices", () => {
  it("lists every language, each the recognizer cannot hear with the reason", () => {
    const choices = sourceSwitchChoices(answer);
    expect(choices).toHaveLength(LANGUAGE_CODES.length);
    expect(choices.find((c) => c.code === "en")?.reason).toBeUndefined();
    expect(choices.find((c) => c.code === "es")?.reason).toBe("no recognizer");
    expect(sourceSwitchChoices(undefined).every((c) => c.reason === undefined)).toBe(true);
  });
});
