/**
 * Apertium's plain-text stream format, done in-process so that no `apertium-destxt` /
 * `apertium-retxt` process has to start per request (neither supports null-flush mode).
 *
 * Matches what `apertium-destxt -n` and `apertium-retxt` do for one line of text
 * (measured against them): the stream's reserved characters are backslash-escaped, `~`
 * becomes a superblank, a final empty superblank `[]` ends the block; on the way back,
 * escapes are undone and superblank brackets dropped.
 */

const RESERVED = /[\\[\]$^/<>@{}]/g;

/** Segment text is one caption line: whitespace runs collapse to one space, as a caption shows it. */
export function normalizeSegmentText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Text → Apertium stream (the `apertium-destxt -n` form of one normalized line). */
export function deformatText(text: string): string {
  return `${normalizeSegmentText(text)
    .replace(RESERVED, (c) => `\\${c}`)
    .replace(/~/g, "[~]")}[]`;
}

/** Apertium stream → text (what `apertium-retxt` prints). */
export function reformatText(stream: string): string {
  let out = "";
  for (let i = 0; i < stream.length; i++) {
    const c = stream[i];
    if (c === "\\") out += stream[++i] ?? "";
    else if (c !== "[" && c !== "]") out += c;
  }
  return out;
}
