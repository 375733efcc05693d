import type { CaptionMessage } from "@babelcast/protocol";
import type { SegmentRecord } from "../tables/records.js";

/**
 * The one place a caption message is built, for live delivery and for the resend after a
 * listener reconnects. Its `seq` is the console's segment number in the session: the same in
 * every language and in every Lambda container, so the listener's `${language}:${seq}`
 * de-duplication and `hello.lastSeq` stay true however segments are spread over containers.
 */
export function captionMessage(
  segment: Pick<SegmentRecord, "seq" | "text" | "stages">,
  language: string,
  text: string,
): CaptionMessage {
  return {
    type: "caption",
    language,
    seq: segment.seq,
    segmentSeq: segment.seq,
    text,
    sourceText: segment.text,
    ...(segment.stages.spokenEndAt !== undefined ? { spokenEndAt: segment.stages.spokenEndAt } : {}),
  };
}

/** A stored segment's caption in `language`, if it has one (the source text, or its stored translation). */
export function storedCaption(
  segment: SegmentRecord,
  sourceLanguage: string,
  language: string,
): CaptionMessage | undefined {
  const text = language === sourceLanguage ? segment.text : segment.translations?.[language]?.text;
  return text === undefined ? undefined : captionMessage(segment, language, text);
}
