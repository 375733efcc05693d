import type { TranscribeStreamingClient } from "@aws-sdk/client-transcribe-streaming";
import { describe, expect, it } from "vitest";
import { identificationPlan, productLanguageOf } from "../../../src/renderer/recognition/languageIdentification.js";
import { transcribeStreamStarter } from "../../../src/renderer/recognition/transcribeClient.js";

describe("automatic language identification", () => {
  it("offers Transcribe the source first (preferred) and the targets it hears, at most five", () => {
    const plan = identificationPlan("en", ["es", "fr", "de", "it", "pt", "ja"]);
    expect(plan).toEqual({
      ok: true,
      identify: { languageOptions: ["en-US", "es-US", "fr-FR", "de-DE", "it-IT"], preferredLanguage: "en-US" },
    });
  });

  it("refuses with a reason when fewer than two of the session's languages can be heard", () => {
    const plan = identificationPlan("en", []);
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.message).toMatch(/at least two languages.*add a target language/);
  });

  it("maps an identified Transcribe code back to the session's language", () => {
    expect(productLanguageOf("es-US")).toBe("es");
    expect(productLanguageOf("xx-XX")).toBeUndefined();
  });

  it("asks Transcribe to identify among the options instead of naming a LanguageCode, without the one-language vocabulary", async () => {
    const sent: Record<string, unknown>[] = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => {
        sent.push(command.input);
        return { TranscriptResultStream: (async function* () {})() };
      },
    } as unknown as TranscribeStreamingClient;
    const start = transcribeStreamStarter(client, {
      languageCode: "en-US",
      sampleRate: 16000,
      vocabularyName: "babelcast-glossary",
      identify: { languageOptions: ["en-US", "es-US"], preferredLanguage: "en-US" },
    });
    await start((async function* () {})());
    expect(sent[0]).toMatchObject({
      IdentifyLanguage: true,
      LanguageOptions: "en-US,es-US",
      PreferredLanguage: "en-US",
    });
    expect(sent[0]).not.toHaveProperty("LanguageCode");
    expect(sent[0]).not.toHaveProperty("VocabularyName");
  });
});
