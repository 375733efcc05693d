/**
 * Translate custom terminology, emulated: the CSV/TSV files `ImportTerminology` takes, and
 * forcing their terms through an engine that knows nothing of them. Pure.
 *
 * How terms are forced: each source term found in the text is swapped for a placeholder
 * word that Apertium passes through untouched as an unknown word (letters only, so no
 * stage splits or inflects it; checked through eng-spa, es-fr, es-pt, spa-ita, eng-cat),
 * and the placeholder is replaced by the target term after translation.
 */

export interface Terminology {
  readonly name: string;
  readonly description?: string;
  readonly format: "CSV" | "TSV";
  /** Header of the file: the first is the source language, the rest targets. */
  readonly languages: readonly string[];
  /** One row per term, keyed by language code. */
  readonly rows: readonly Readonly<Record<string, string>>[];
  readonly createdAt: number;
  readonly sizeBytes: number;
}

export class TerminologyFileError extends Error {
  override readonly name = "TerminologyFileError";
}

function splitCsvLine(line: string, separator: string): string[] {
  if (separator === "\t") return line.split("\t").map((f) => f.trim());
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      fields.push(field.trim());
      field = "";
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

/** Parses a terminology file as Translate accepts it: a header of language codes, then one term per row. */
export function parseTerminologyFile(
  name: string,
  format: "CSV" | "TSV",
  data: Uint8Array,
  description?: string,
): Terminology {
  const text = new TextDecoder().decode(data).replace(/^\uFEFF/, "");
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines[0];
  if (!header) throw new TerminologyFileError("The terminology file is empty: its first row must name the languages.");
  const separator = format === "TSV" ? "\t" : ",";
  const languages = splitCsvLine(header, separator).map((l) => l.toLowerCase());
  if (languages.length < 2 || languages.some((l) => !/^[a-z]{2,3}(-[a-z]{2,4})?$/.test(l))) {
    throw new TerminologyFileError(
      `The first row must list at least two language codes (e.g. "en,es"), got "${header}".`,
    );
  }
  const rows = lines.slice(1).map((line, i) => {
    const fields = splitCsvLine(line, separator);
    if (fields.length !== languages.length) {
      throw new TerminologyFileError(`Row ${i + 2} has ${fields.length} fields; the header has ${languages.length}.`);
    }
    return Object.fromEntries(languages.map((l, j) => [l, fields[j] ?? ""]));
  });
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    format,
    languages,
    rows,
    createdAt: Date.now(),
    sizeBytes: data.byteLength,
  };
}

/** Serializes a terminology back into its file format (for GetTerminology). */
export function formatTerminologyFile(t: Terminology): string {
  const separator = t.format === "TSV" ? "\t" : ",";
  const quote = (f: string) => (t.format === "CSV" && /[",]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return [t.languages.join(separator), ...t.rows.map((r) => t.languages.map((l) => quote(r[l] ?? "")).join(separator))]
    .join("\n")
    .concat("\n");
}

export interface TermPair {
  readonly source: string;
  readonly target: string;
}

/** The terms of `t` that apply from `from` to `to` (both columns present and non-empty). */
export function termsFor(t: Terminology, from: string, to: string): TermPair[] {
  if (!t.languages.includes(from) || !t.languages.includes(to)) return [];
  return t.rows
    .map((r) => ({ source: r[from] ?? "", target: r[to] ?? "" }))
    .filter((p) => p.source.length > 0 && p.target.length > 0);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function placeholder(index: number): string {
  let suffix = "";
  let n = index;
  do {
    suffix = String.fromCharCode(97 + (n % 26)) + suffix;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `Zzxterm${suffix}`;
}

export interface ProtectedText {
  /** The text with every found source term replaced by a placeholder word. */
  readonly text: string;
  /** The terms that were found, as Translate reports them in AppliedTerminologies. */
  readonly applied: readonly TermPair[];
  /** Puts the target terms where the placeholders came out. */
  restore(translated: string): string;
}

/** Swaps each source term (whole words, any case, longest first) for a placeholder. */
export function protectTerms(text: string, terms: readonly TermPair[]): ProtectedText {
  const sorted = [...terms].sort((a, b) => b.source.length - a.source.length);
  const used: { token: string; pair: TermPair }[] = [];
  let out = text;
  for (const pair of sorted) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(pair.source)}(?![\\p{L}\\p{N}])`, "giu");
    if (!re.test(out)) continue;
    const token = placeholder(used.length);
    used.push({ token, pair });
    out = out.replace(re, token);
  }
  return {
    text: out,
    applied: used.map((u) => u.pair),
    restore(translated: string): string {
      let result = translated;
      for (const { token, pair } of used) result = result.replace(new RegExp(token, "gi"), pair.target);
      return result;
    },
  };
}
