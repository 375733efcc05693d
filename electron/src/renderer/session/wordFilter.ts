import type { WordFilter, WordFilterMethod } from "@babelcast/protocol";

/**
 * The word filter box: words separated by spaces or commas; a line that starts with a
 * language code (`fr: mot1 mot2`) lists the words to filter in that language's translations
 * (without one, translations are filtered with the spoken language's words). Pure, with
 * errors naming the line.
 */
export function parseWordFilter(
  text: string,
  method: WordFilterMethod,
): { filter: WordFilter | undefined; errors: string[] } {
  const words: string[] = [];
  const targets: Record<string, string[]> = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const language = /^([a-zA-Z]{2})\s*:(.*)$/.exec(line);
    const listed = (language ? (language[2] ?? "") : line).split(/[\s,]+/).filter(Boolean);
    const tooLong = listed.find((w) => w.length > 256);
    if (tooLong) errors.push(`line ${i + 1}: "${tooLong.slice(0, 20)}…" is longer than 256 characters`);
    else if (language) {
      const code = (language[1] ?? "").toLowerCase();
      targets[code] = [...(targets[code] ?? []), ...listed];
    } else words.push(...listed);
  });
  const empty = words.length === 0 && Object.keys(targets).length === 0;
  return { filter: empty ? undefined : { method, words, targets }, errors };
}
