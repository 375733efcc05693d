import { createHash } from "node:crypto";
import { type GlossaryEntry, LANGUAGES } from "@babelcast/protocol";

/**
 * A session's glossary as Translate custom terminology: imported when the glossary (or the
 * session's languages) changed since the last import, which the session record remembers,
 * then named in every TranslateText call. The same call works on AWS and on the embedded
 * Apertium endpoint, which forces the terms itself. Pure.
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

/** Fingerprint of what the terminology is built from: a changed glossary or language list gets imported again. */
export function glossaryKey(csv: string): string {
  return createHash("sha256").update(csv).digest("base64url").slice(0, 22);
}
