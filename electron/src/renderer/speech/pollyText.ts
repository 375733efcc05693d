/**
 * The Text of each SynthesizeSpeech request for one segment's translation: plain text at the
 * normal rate, SSML `<prosody rate>` when the lag controller speeds it up, split so every
 * request stays within Polly's limits. Pure.
 */

/**
 * SynthesizeSpeech takes at most 6000 characters in all, of which at most 3000 billed (SSML
 * tags are not billed):
 * https://docs.aws.amazon.com/botocore/latest/reference/services/polly/client/exceptions/TextLengthExceededException.html
 */
export const POLLY_MAX_BILLED_CHARACTERS = 3000;
export const POLLY_MAX_TOTAL_CHARACTERS = 6000;

export interface PollyText {
  readonly Text: string;
  readonly TextType: "text" | "ssml";
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

function wrap(text: string, rate: number): PollyText {
  if (rate === 1) return { Text: text, TextType: "text" };
  return {
    Text: `<speak><prosody rate="${Math.round(rate * 100)}%">${escapeXml(text)}</prosody></speak>`,
    TextType: "ssml",
  };
}

const fits = (piece: string, rate: number) =>
  piece.length <= POLLY_MAX_BILLED_CHARACTERS && wrap(piece, rate).Text.length <= POLLY_MAX_TOTAL_CHARACTERS;

/** The longest prefix of `text` that fits, cut after a sentence end, else a space, else anywhere. */
function cutPoint(text: string, rate: number): number {
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(text.slice(0, mid), rate)) lo = mid;
    else hi = mid - 1;
  }
  const head = text.slice(0, lo);
  const sentence = Math.max(head.lastIndexOf(". "), head.lastIndexOf("? "), head.lastIndexOf("! "));
  if (sentence > lo / 2) return sentence + 1;
  const space = head.lastIndexOf(" ");
  return space > lo / 2 ? space : lo;
}

/** One request per piece; almost always one (a segment's source is at most 3000 characters). */
export function pollyTexts(text: string, rate: number): PollyText[] {
  const out: PollyText[] = [];
  // A word the session's word filter masked is silent, never read out as asterisks.
  let rest = text.replace(/\*{3}/g, " ").replace(/ {2,}/g, " ").trim();
  while (rest.length > 0) {
    if (fits(rest, rate)) {
      out.push(wrap(rest, rate));
      break;
    }
    const cut = cutPoint(rest, rate);
    out.push(wrap(rest.slice(0, cut).trim(), rate));
    rest = rest.slice(cut).trim();
  }
  return out;
}
