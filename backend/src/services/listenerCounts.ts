/** Listener counts for the console, and the languages worth translating into. Pure. */

export interface CountedListener {
  readonly language: string;
  readonly channelArn?: string;
  readonly connected: boolean;
  readonly listenerId: string;
}

export interface ListenerCounts {
  readonly total: number;
  readonly byLanguage: Record<string, number>;
  readonly byChannel: Record<string, number>;
  readonly captionsOnly: number;
  /** KVS viewer client id (= listener id) → language, so the console sends each viewer its track. */
  readonly byViewer: Record<string, string>;
}

/** Counts connected listeners only: a closed page stops counting at once. */
export function countListeners(listeners: readonly CountedListener[]): ListenerCounts {
  const byLanguage: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const byViewer: Record<string, string> = {};
  let total = 0;
  let captionsOnly = 0;
  for (const l of listeners) {
    if (!l.connected) continue;
    total += 1;
    byLanguage[l.language] = (byLanguage[l.language] ?? 0) + 1;
    if (l.channelArn) {
      byChannel[l.channelArn] = (byChannel[l.channelArn] ?? 0) + 1;
      byViewer[l.listenerId] = l.language;
    } else captionsOnly += 1;
  }
  return { total, byLanguage, byChannel, captionsOnly, byViewer };
}

/** Languages with at least one connected listener, in the session's order. */
export function activeLanguages(
  sessionLanguages: readonly string[],
  counts: Pick<ListenerCounts, "byLanguage">,
): string[] {
  return sessionLanguages.filter((l) => (counts.byLanguage[l] ?? 0) > 0);
}

// ---- counters: what each listener change adds to the session's counts ----------------

/**
 * Attribute names of the session's counters item (coordination table, `listener-counts`):
 * `total`, `captionsOnly`, `lang#<code>`, `channel#<channel ARN>`, each a number changed only
 * by `ADD`, so concurrent changes from any container add up in any order.
 */
export const TOTAL_COUNTER = "total";
export const CAPTIONS_ONLY_COUNTER = "captionsOnly";
export const LANGUAGE_COUNTER_PREFIX = "lang#";
export const CHANNEL_COUNTER_PREFIX = "channel#";

/** The listener row fields a count depends on (undefined: no row). */
export type CountedRow = Pick<CountedListener, "language" | "channelArn" | "connected" | "listenerId">;

/** What one listener row adds to the counters: nothing unless connected. */
export function counterContribution(row: CountedRow | undefined): Record<string, number> {
  if (!row?.connected) return {};
  return {
    [TOTAL_COUNTER]: 1,
    [`${LANGUAGE_COUNTER_PREFIX}${row.language}`]: 1,
    ...(row.channelArn ? { [`${CHANNEL_COUNTER_PREFIX}${row.channelArn}`]: 1 } : { [CAPTIONS_ONLY_COUNTER]: 1 }),
  };
}

/**
 * The counter changes of one listener row going from `before` to `after` (as DynamoDB returned
 * them around the write): only real transitions count. A second disconnect, a reconnect on a new
 * connection while connected, a language set to the one it had: no change at all.
 */
export function countsDelta(before: CountedRow | undefined, after: CountedRow | undefined): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [k, v] of Object.entries(counterContribution(after))) delta[k] = (delta[k] ?? 0) + v;
  for (const [k, v] of Object.entries(counterContribution(before))) delta[k] = (delta[k] ?? 0) - v;
  for (const k of Object.keys(delta)) if (delta[k] === 0) delete delta[k];
  return delta;
}

/**
 * A viewer's entry in the console's `byViewer` (listener id → language): present only for a
 * connected listener with an audio channel. Undefined when the change leaves it as it was;
 * `language: null` when the entry goes.
 */
export function viewerChange(
  before: CountedRow | undefined,
  after: CountedRow | undefined,
): { readonly listenerId: string; readonly from: string | null; readonly language: string | null } | undefined {
  const entry = (row: CountedRow | undefined) => (row?.connected && row.channelArn ? row.language : null);
  const was = entry(before);
  const now = entry(after);
  const listenerId = after?.listenerId ?? before?.listenerId;
  if (was === now || listenerId === undefined) return undefined;
  return { listenerId, from: was, language: now };
}

/**
 * The console's counts from the counters item's attributes and the viewers map. A counter
 * below zero (drift the scheduled cleanup corrects) shows as zero; languages and channels at
 * zero are left out, as a recount would leave them out.
 */
export function countsFromCounters(
  counters: Readonly<Record<string, unknown>>,
  byViewer: Readonly<Record<string, string>>,
): ListenerCounts {
  const n = (v: unknown) => Math.max(0, Number(v ?? 0) || 0);
  const byLanguage: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  for (const [k, v] of Object.entries(counters)) {
    if (k.startsWith(LANGUAGE_COUNTER_PREFIX) && n(v) > 0) byLanguage[k.slice(LANGUAGE_COUNTER_PREFIX.length)] = n(v);
    else if (k.startsWith(CHANNEL_COUNTER_PREFIX) && n(v) > 0) byChannel[k.slice(CHANNEL_COUNTER_PREFIX.length)] = n(v);
  }
  return {
    total: n(counters[TOTAL_COUNTER]),
    byLanguage,
    byChannel,
    captionsOnly: n(counters[CAPTIONS_ONLY_COUNTER]),
    byViewer: { ...byViewer },
  };
}

/** The counter attributes a recount of the listener rows gives (the cleanup's correction). */
export function countersOf(counts: ListenerCounts): Record<string, number> {
  const counters: Record<string, number> = {
    [TOTAL_COUNTER]: counts.total,
    [CAPTIONS_ONLY_COUNTER]: counts.captionsOnly,
  };
  for (const [l, c] of Object.entries(counts.byLanguage)) counters[`${LANGUAGE_COUNTER_PREFIX}${l}`] = c;
  for (const [a, c] of Object.entries(counts.byChannel)) counters[`${CHANNEL_COUNTER_PREFIX}${a}`] = c;
  return counters;
}

/** Whether stored counts (as the console would get them) differ from a recount. */
export function countsDiffer(stored: ListenerCounts, recount: ListenerCounts): boolean {
  const key = (c: ListenerCounts) =>
    JSON.stringify([
      c.total,
      c.captionsOnly,
      Object.entries(c.byLanguage).sort(),
      Object.entries(c.byChannel).sort(),
      Object.entries(c.byViewer).sort(),
    ]);
  return key(stored) !== key(recount);
}
