import type { GlossaryEntry } from "@babelcast/protocol";

/**
 * The glossary box: one term a line, `source = es:término, fr:terme`; a line with only the
 * term keeps it untranslated (names, brands). Pure, with errors naming the line.
 */
export function parseGlossary(text: string): { entries: GlossaryEntry[]; errors: string[] } {
  const entries: GlossaryEntry[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [sourcePart, targetPart] = splitOnce(line, "=");
    const source = sourcePart.trim();
    if (source === "") {
      errors.push(`line ${i + 1}: the term before "=" is empty`);
      return;
    }
    const targets: Record<string, string> = {};
    if (targetPart !== undefined && targetPart.trim() !== "") {
      for (const pair of targetPart.split(",")) {
        const [lang, term] = splitOnce(pair, ":");
        const code = lang.trim().toLowerCase();
        if (!/^[a-z]{2}$/.test(code) || term === undefined || term.trim() === "") {
          errors.push(`line ${i + 1}: write each translation as lang:term, e.g. es:término`);
          return;
        }
        targets[code] = term.trim();
      }
    }
    entries.push({ source, targets });
  });
  return { entries, errors };
}

export function formatGlossary(entries: readonly GlossaryEntry[]): string {
  return entries
    .map((e) => {
      const t = Object.entries(e.targets).map(([l, v]) => `${l}:${v}`);
      return t.length ? `${e.source} = ${t.join(", ")}` : e.source;
    })
    .join("\n");
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
