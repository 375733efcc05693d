import { ImportTerminologyCommand, type TranslateClient } from "@aws-sdk/client-translate";
import { type GlossaryEntry, LANGUAGES } from "@babelcast/protocol";

/**
 * A session's glossary as Translate custom terminology: imported once per session (and on
 * change), then named in every TranslateText call. The same call works on AWS and on the
 * embedded Apertium endpoint, which forces the terms itself.
 */

/** The terminology's name: the deployment's prefix (IAM scopes Translate to it) and the session id. */
export function glossaryTerminologyName(sessionId: string, prefix = "babelcast-"): string {
  return `${prefix}${sessionId}`;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The terminology file: source language then targets; a missing target keeps the term as is. */
export function glossaryTerminologyCsv(
  sourceLanguage: string,
  targetLanguages: readonly string[],
  glossary: readonly GlossaryEntry[],
): string {
  const code = (l: string) => LANGUAGES.get(l)?.translate ?? l;
  const targets = targetLanguages.filter((l) => l !== sourceLanguage);
  const header = [code(sourceLanguage), ...targets.map(code)].join(",");
  const rows = glossary.map((e) => [e.source, ...targets.map((l) => e.targets[l] ?? e.source)].map(csvField).join(","));
  return `${[header, ...rows].join("\n")}\n`;
}

/** Imports the glossary; returns the terminology name to pass, or undefined when there is none. */
export async function importSessionGlossary(
  client: TranslateClient,
  session: {
    sessionId: string;
    sourceLanguage: string;
    targetLanguages: readonly string[];
    glossary: readonly GlossaryEntry[];
  },
  prefix?: string,
): Promise<string | undefined> {
  if (session.glossary.length === 0) return undefined;
  const name = glossaryTerminologyName(session.sessionId, prefix);
  const csv = glossaryTerminologyCsv(session.sourceLanguage, session.targetLanguages, session.glossary);
  await client.send(
    new ImportTerminologyCommand({
      Name: name,
      MergeStrategy: "OVERWRITE",
      TerminologyData: { File: new TextEncoder().encode(csv), Format: "CSV" },
    }),
  );
  return name;
}
