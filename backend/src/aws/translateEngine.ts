import { ImportTerminologyCommand, type TranslateClient, TranslateTextCommand } from "@aws-sdk/client-translate";
import { LANGUAGES } from "@babelcast/protocol";
import type { TranslateEngine } from "../segmentJourney/ports.js";

/**
 * The segment journey's engine: a thin adapter over the Translate SDK client, which points at
 * AWS or at the embedded Apertium endpoint; the calls are the same.
 */
export function translateEngine(client: TranslateClient): TranslateEngine {
  return {
    async translate(text, from, to, terminologyName) {
      const out = await client.send(
        new TranslateTextCommand({
          Text: text,
          SourceLanguageCode: LANGUAGES.get(from)?.translate ?? from,
          TargetLanguageCode: LANGUAGES.get(to)?.translate ?? to,
          ...(terminologyName ? { TerminologyNames: [terminologyName] } : {}),
        }),
      );
      return out.TranslatedText ?? "";
    },
    async importTerminology(name, csv) {
      await client.send(
        new ImportTerminologyCommand({
          Name: name,
          MergeStrategy: "OVERWRITE",
          TerminologyData: { File: new TextEncoder().encode(csv), Format: "CSV" },
        }),
      );
    },
  };
}
