import type { Clock, JourneyStores } from "./ports.js";

/**
 * The journey's one ordering mechanism: a segment's caption in a language goes out only after
 * every earlier segment of that language has gone out, or after a bounded wait. What "gone out"
 * means is read from DynamoDB (a per session and language "published through" mark, and which
 * languages each stored segment goes out in), never from memory, so it holds whichever
 * container ran the earlier segments. The wait is bounded (by time without progress) so a
 * segment lost on the way (a crashed invocation) delays its successor once, never the rest
 * of the talk.
 */

export interface CaptionOrderSettings {
  /** Longest a segment waits while no earlier one goes out, before it goes out anyway. */
  readonly maxWaitMs: number;
  readonly firstPollMs: number;
  readonly maxPollMs: number;
  /** Segments further back than this are not waited for (they waited out long ago). */
  readonly lookBack: number;
}

/** 4 s without progress: longer than a translation with its retries usually takes (see retryPolicy). */
export const CAPTION_ORDER: CaptionOrderSettings = { maxWaitMs: 4000, firstPollMs: 25, maxPollMs: 200, lookBack: 20 };

/**
 * Whether every segment before `seq` is out in `language`, given the language's mark and what
 * is stored of the segments after it: each must have arrived, and either gone out (at or below
 * the mark) or not go out in this language at all. Pure.
 */
export function earlierSegmentsOut(
  seq: number,
  language: string,
  publishedThrough: number | undefined,
  stored: readonly { readonly seq: number; readonly languages?: readonly string[] }[],
  lookBack: number,
): boolean {
  const from = waitFrom(seq, publishedThrough, lookBack);
  if (from >= seq) return true;
  const between = stored.filter((s) => s.seq >= from && s.seq < seq);
  if (between.length < seq - from) return false;
  return between.every((s) => !(s.languages ?? []).includes(language));
}

/** The first earlier segment that may still be on its way: after the mark, within the look-back. */
function waitFrom(seq: number, publishedThrough: number | undefined, lookBack: number): number {
  return Math.max(0, (publishedThrough ?? -1) + 1, seq - lookBack);
}

export type Turn = "in-order" | "waited-out";

/**
 * Resolves when segment `seq` may go out in `language`. The wait is bounded by time without
 * progress: while earlier segments keep going out (a resent burst drains one after another)
 * it goes on; once nothing moved for `maxWaitMs`, the segment goes out anyway.
 */
export async function awaitTurn(
  seq: number,
  language: string,
  ports: { readonly stores: JourneyStores; readonly clock: Clock },
  settings: CaptionOrderSettings = CAPTION_ORDER,
): Promise<Turn> {
  const { stores, clock } = ports;
  let deadline = clock.now() + settings.maxWaitMs;
  let pause = settings.firstPollMs;
  let seen: number | undefined;
  for (;;) {
    const through = await stores.publishedThrough(language);
    const from = waitFrom(seq, through, settings.lookBack);
    const stored = from < seq ? await stores.languagesBetween(from, seq - 1) : [];
    if (earlierSegmentsOut(seq, language, through, stored, settings.lookBack)) return "in-order";
    if (through !== seen) {
      // An earlier segment went out meanwhile: the queue is moving, the bound starts again.
      if (seen !== undefined) deadline = clock.now() + settings.maxWaitMs;
      seen = through;
      pause = settings.firstPollMs;
    }
    const left = deadline - clock.now();
    if (left <= 0) return "waited-out";
    await clock.sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, settings.maxPollMs);
  }
}
