// Which captions a listener received live: the caption benches time a phrase's end to its caption at
// the listener page, which only means something for phrases that ended while the page was listening.
// A listener joining a talk in progress is sent what was said before (the WebSocket's replay answering
// its hello): those captions arrive seconds after their phrase ended because the listener was not
// there yet, not because anything was slow, so they are counted apart and left out of the delays.

import type { LagSample } from "./lagDrift.js";

/** A caption as the listener page received it (wall clock, like the segment's spokenEndAt). */
export interface CaptionArrival {
  readonly at: number;
  readonly spokenEndAt?: number;
  readonly language: string;
  readonly seq?: number;
}

/** One live caption: its first arrival (whichever way it came) and arrival − the phrase's end. */
export interface LiveCaption extends LagSample {
  readonly seq?: number;
  readonly spokenEndAt: number;
}

export interface LiveCaptions {
  readonly samples: LiveCaption[];
  /** Captions of phrases that ended before the listener's caption feed was subscribed (replayed on join). */
  readonly spokenBeforeListening: number;
}

/**
 * The live captions of `language` among `arrivals`: each seq once (a caption can come by the feed and by
 * the replay), and only phrases that ended at or after `listeningSince` (the feed's first subscription).
 * A phrase that ended while the listener listened counts even when the replay brought it (the feed lost
 * it): that delay is one the listener lived through.
 */
export function liveCaptions(
  arrivals: readonly CaptionArrival[],
  language: string,
  listeningSince: number,
): LiveCaptions {
  const first = new Map<number | undefined, CaptionArrival>();
  let unnumbered = 0;
  for (const a of arrivals) {
    if (a.language !== language || a.spokenEndAt === undefined) continue;
    // Without a seq a caption cannot be matched with another copy of itself: each counts.
    const key = a.seq ?? -++unnumbered;
    const seen = first.get(key);
    if (!seen || a.at < seen.at) first.set(key, a);
  }
  const samples: LiveCaption[] = [];
  let spokenBeforeListening = 0;
  for (const a of first.values()) {
    const end = a.spokenEndAt ?? a.at;
    if (end < listeningSince) spokenBeforeListening++;
    else samples.push({ seq: a.seq, spokenEndAt: end, atMs: a.at, lagMs: a.at - end });
  }
  samples.sort((x, y) => x.atMs - y.atMs);
  return { samples, spokenBeforeListening };
}
