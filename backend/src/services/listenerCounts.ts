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

/** Listeners per language among a session's open connections (the segment route reads these). */
export function countConnectedByLanguage(
  connections: readonly { readonly role: string; readonly language?: string }[],
): Pick<ListenerCounts, "byLanguage"> {
  const byLanguage: Record<string, number> = {};
  for (const c of connections) {
    if (c.role === "listener" && c.language) byLanguage[c.language] = (byLanguage[c.language] ?? 0) + 1;
  }
  return { byLanguage };
}

/** Languages with at least one connected listener, in the session's order. */
export function activeLanguages(
  sessionLanguages: readonly string[],
  counts: Pick<ListenerCounts, "byLanguage">,
): string[] {
  return sessionLanguages.filter((l) => (counts.byLanguage[l] ?? 0) > 0);
}
