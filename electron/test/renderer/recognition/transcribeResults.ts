import type { Result } from "@aws-sdk/client-transcribe-streaming";

/**
 * Builds results in Transcribe's documented shape from a compact script:
 * "Good~ morning~ everyone,~ welcome" — `~` marks a stable word, punctuation after a word
 * is its own item (stable with the word), words are 0.4 s apart from `start`; a `_` token is a
 * pause (0.3 s more between the words around it).
 */
export function transcribeResult(
  script: string,
  opts: { id?: string; partial?: boolean; start?: number } = {},
): Result {
  const items: NonNullable<NonNullable<Result["Alternatives"]>[number]["Items"]> = [];
  let t = opts.start ?? 0;
  for (const token of script.split(/\s+/).filter(Boolean)) {
    if (token === "_") {
      t += 0.3;
      continue;
    }
    const m = /^([^.,;:?!~]+)(~?)([.,;:?!]?)(~?)$/.exec(token);
    if (!m) throw new Error(`bad token ${token}`);
    const [, word, mark, punctuation, markAfter] = m as unknown as [string, string, string, string, string];
    const stable = opts.partial === false ? true : mark === "~" || markAfter === "~";
    items.push({ Type: "pronunciation", Content: word, StartTime: t, EndTime: t + 0.35, Stable: stable });
    if (punctuation)
      items.push({ Type: "punctuation", Content: punctuation, StartTime: t + 0.35, EndTime: t + 0.35, Stable: stable });
    t += 0.4;
  }
  const words = items
    .map((i) => (i.Type === "punctuation" ? i.Content : ` ${i.Content}`))
    .join("")
    .trim();
  return {
    ResultId: opts.id ?? "r1",
    StartTime: opts.start ?? 0,
    EndTime: t,
    IsPartial: opts.partial ?? true,
    Alternatives: [{ Transcript: words, Items: items }],
  };
}
