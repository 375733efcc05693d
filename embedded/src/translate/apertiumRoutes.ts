import { languageInfo } from "@babelcast/protocol";

/**
 * Which chain of Apertium modes translates one language into another. Pure: given the
 * installed modes. From English the language table's route wins (it was chosen for
 * quality, e.g. French through Spanish); any other direction takes the shortest chain of
 * installed modes, which pivots through Spanish for most pairs Debian ships.
 */

/** Apertium names languages by ISO 639-3 or 639-1; the product by 639-1. */
const ISO3_TO_1: Readonly<Record<string, string>> = {
  eng: "en",
  spa: "es",
  cat: "ca",
  fra: "fr",
  por: "pt",
  ita: "it",
  deu: "de",
  nld: "nl",
  glg: "gl",
  ron: "ro",
  epo: "eo",
  oci: "oc",
};

/** `eng-spa` → `{ from: "en", to: "es" }`; undefined for variants (`eng-cat_valencia`) and other modes. */
export function parseModeName(mode: string): { from: string; to: string } | undefined {
  const m = /^([a-z]{2,3})-([a-z]{2,3})$/.exec(mode);
  if (!m) return undefined;
  const from = ISO3_TO_1[m[1] ?? ""] ?? m[1] ?? "";
  const to = ISO3_TO_1[m[2] ?? ""] ?? m[2] ?? "";
  return from.length === 2 && to.length === 2 ? { from, to } : undefined;
}

/** The mode chain from `from` to `to`; `[]` for the same language; undefined when there is none. */
export function findApertiumRoute(from: string, to: string, installed: readonly string[]): string[] | undefined {
  if (from === to) return [];
  const available = new Set(installed);
  if (from === "en") {
    const preferred = languageInfo(to)?.embedded.translateFromEnglish;
    if (preferred && preferred.length > 0 && preferred.every((m) => available.has(m))) return [...preferred];
  }
  const edges = new Map<string, { mode: string; to: string }[]>();
  for (const mode of installed) {
    const pair = parseModeName(mode);
    if (!pair) continue;
    const list = edges.get(pair.from) ?? [];
    list.push({ mode, to: pair.to });
    edges.set(pair.from, list);
  }
  // Breadth-first: the fewest hops, since every hop costs quality.
  const previous = new Map<string, { lang: string; mode: string }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const lang = queue.shift() as string;
    for (const edge of edges.get(lang) ?? []) {
      if (seen.has(edge.to)) continue;
      seen.add(edge.to);
      previous.set(edge.to, { lang, mode: edge.mode });
      if (edge.to === to) {
        const chain: string[] = [];
        for (let at = to; at !== from; ) {
          const step = previous.get(at) as { lang: string; mode: string };
          chain.unshift(step.mode);
          at = step.lang;
        }
        return chain;
      }
      queue.push(edge.to);
    }
  }
  return undefined;
}

/**
 * The languages Translate's ListLanguages may honestly name: English and every language the
 * installed modes reach from English and back to it. Amazon Translate translates between any
 * two languages it lists (https://docs.aws.amazon.com/translate/latest/dg/what-is-languages.html),
 * and so does this list: any two of them meet through English. A language a mode merely
 * touches (Galician through es-gl, with no way back) is not listed.
 */
export function apertiumLanguages(installed: readonly string[]): string[] {
  const langs = new Set<string>();
  for (const mode of installed) {
    const pair = parseModeName(mode);
    if (pair) {
      langs.add(pair.from);
      langs.add(pair.to);
    }
  }
  return [...langs]
    .filter((l) => l === "en" || (findApertiumRoute("en", l, installed) && findApertiumRoute(l, "en", installed)))
    .sort();
}
