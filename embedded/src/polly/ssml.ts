/**
 * The part of Polly's SSML the emulator honours, parsed into what eSpeak NG is told: runs
 * of text each with a speaking rate (from `<prosody rate>`), and pauses (from `<break>`).
 * Other tags Polly knows keep their text and lose their effect. Malformed markup is
 * refused as Polly does (InvalidSsmlException). Pure.
 */

export type SpeechPart =
  | { readonly kind: "text"; readonly text: string; readonly rate: number }
  | { readonly kind: "break"; readonly ms: number };

export class InvalidSsmlError extends Error {
  override readonly name = "InvalidSsmlError";
}

/** Polly's named rates, as multiples of the normal rate. */
const NAMED_RATES: Readonly<Record<string, number>> = {
  "x-slow": 0.6,
  slow: 0.8,
  medium: 1,
  fast: 1.25,
  "x-fast": 1.5,
};
const NAMED_BREAKS: Readonly<Record<string, number>> = {
  none: 0,
  "x-weak": 100,
  weak: 250,
  medium: 400,
  strong: 700,
  "x-strong": 1000,
};
/** Tags Polly documents; anything else is refused, as Polly refuses it. */
const KNOWN_TAGS = new Set([
  "speak",
  "prosody",
  "break",
  "p",
  "s",
  "emphasis",
  "lang",
  "mark",
  "phoneme",
  "say-as",
  "sub",
  "w",
  "amazon:effect",
  "amazon:auto-breaths",
  "amazon:breath",
  "amazon:domain",
]);

/** `<prosody rate>` → multiple of the normal rate; Polly takes 20%–200% or a named rate. */
export function parseRate(value: string): number {
  const named = NAMED_RATES[value];
  if (named !== undefined) return named;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (!m) throw new InvalidSsmlError(`Invalid prosody rate "${value}": use x-slow…x-fast or a percentage.`);
  const pct = Number(m[1]);
  if (pct < 20 || pct > 200) throw new InvalidSsmlError(`Prosody rate ${value} is outside 20%–200%.`);
  return pct / 100;
}

function parseBreak(attrs: Record<string, string>): number {
  if (attrs.time !== undefined) {
    const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(attrs.time);
    if (!m) throw new InvalidSsmlError(`Invalid break time "${attrs.time}".`);
    const ms = Number(m[1]) * (m[2] === "s" ? 1000 : 1);
    if (ms > 10_000) throw new InvalidSsmlError("A break may last at most 10 seconds.");
    return ms;
  }
  return NAMED_BREAKS[attrs.strength ?? "medium"] ?? 400;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (whole, name: string | undefined) => {
    if (name === undefined) throw new InvalidSsmlError("A bare & must be written &amp;.");
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    const v = ENTITIES[name];
    if (v === undefined) throw new InvalidSsmlError(`Unknown entity ${whole}.`);
    return v;
  });
}

function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
  let rest = source;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    attrs[m[1] as string] = decodeEntities(m[3] ?? m[4] ?? "");
    rest = rest.replace(m[0], "");
  }
  if (rest.trim().length > 0) throw new InvalidSsmlError(`Malformed attributes "${source.trim()}".`);
  return attrs;
}

/** Parses SSML into speech parts; the text (without tags) is what Polly bills. */
export function parseSsml(ssml: string): { parts: SpeechPart[]; billedCharacters: number } {
  const parts: SpeechPart[] = [];
  const stack: { tag: string; rate: number; alias?: string }[] = [];
  const tokens = ssml.trim().split(/(<[^>]*>)/);
  let billed = 0;
  let sawRoot = false;
  for (const token of tokens) {
    if (token.length === 0) continue;
    if (!token.startsWith("<")) {
      if (token.includes(">")) throw new InvalidSsmlError("A bare > in text must be written &gt;.");
      const text = decodeEntities(token);
      if (stack.length === 0) {
        if (text.trim().length > 0) throw new InvalidSsmlError("Text outside <speak>…</speak>.");
        continue;
      }
      const top = stack[stack.length - 1] as { rate: number; alias?: string };
      if (top.alias !== undefined) continue;
      billed += text.length;
      parts.push({ kind: "text", text, rate: top.rate });
      continue;
    }
    if (token.startsWith("<?xml") || token.startsWith("<!--")) continue;
    const m = /^<(\/?)([\w:-]+)([^>]*?)(\/?)>$/.exec(token);
    if (!m) throw new InvalidSsmlError(`Malformed tag ${token}.`);
    const [, closing, tag = "", attrSource = "", selfClosing] = m;
    if (!KNOWN_TAGS.has(tag)) throw new InvalidSsmlError(`Unsupported SSML tag <${tag}>.`);
    if (closing) {
      const open = stack.pop();
      if (open?.tag !== tag) throw new InvalidSsmlError(`</${tag}> does not close <${open?.tag ?? "nothing"}>.`);
      continue;
    }
    if (stack.length === 0) {
      if (tag !== "speak" || sawRoot) throw new InvalidSsmlError("SSML must be one <speak> element.");
      sawRoot = true;
    }
    const attrs = parseAttributes(attrSource);
    const parentRate = stack[stack.length - 1]?.rate ?? 1;
    if (tag === "break") {
      parts.push({ kind: "break", ms: parseBreak(attrs) });
      if (!selfClosing) stack.push({ tag, rate: parentRate });
      continue;
    }
    const rate =
      tag === "prosody" && attrs.rate !== undefined
        ? Math.round(parentRate * parseRate(attrs.rate) * 100) / 100
        : parentRate;
    if (tag === "sub" && attrs.alias !== undefined) {
      billed += attrs.alias.length;
      parts.push({ kind: "text", text: attrs.alias, rate });
    }
    if (!selfClosing)
      stack.push({ tag, rate, ...(tag === "sub" && attrs.alias !== undefined ? { alias: attrs.alias } : {}) });
  }
  if (!sawRoot) throw new InvalidSsmlError("SSML must start with <speak>.");
  if (stack.length > 0) throw new InvalidSsmlError(`<${stack[stack.length - 1]?.tag}> is never closed.`);
  return { parts: mergeParts(parts), billedCharacters: billed };
}

/** Adjacent text at the same rate is one run, so eSpeak phrases it as one. */
function mergeParts(parts: SpeechPart[]): SpeechPart[] {
  const out: SpeechPart[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (part.kind === "text" && last?.kind === "text" && last.rate === part.rate) {
      out[out.length - 1] = { kind: "text", text: last.text + part.text, rate: part.rate };
    } else out.push(part);
  }
  return out.filter((p) => p.kind === "break" || p.text.trim().length > 0);
}
