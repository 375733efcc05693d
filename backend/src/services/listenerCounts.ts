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

/**
 * Trailing debounce per key: many joins in a burst become one push after `waitMs` of quiet,
 * but never later than `maxWaitMs` after the first change.
 */
export class KeyedDebouncer {
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; first: number }>();
  /** Keys whose run is in flight, and whether another was asked for meanwhile. */
  private readonly running = new Map<string, { again: boolean }>();

  constructor(
    private readonly waitMs: number,
    private readonly maxWaitMs: number,
    private readonly run: (key: string) => void | Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  trigger(key: string): void {
    const entry = this.pending.get(key);
    const first = entry?.first ?? this.now();
    if (entry) clearTimeout(entry.timer);
    const delay = Math.max(0, Math.min(this.waitMs, first + this.maxWaitMs - this.now()));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.start(key);
    }, delay);
    this.pending.set(key, { timer, first });
  }

  /**
   * Runs one at a time per key: a run that read older state must never finish after a newer
   * one (the console would keep the stale count), so a run asked for meanwhile follows it.
   */
  private start(key: string): void {
    const inFlight = this.running.get(key);
    if (inFlight) {
      inFlight.again = true;
      return;
    }
    const state = { again: false };
    this.running.set(key, state);
    void Promise.resolve()
      .then(() => this.run(key))
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(key);
        if (state.again) this.start(key);
      });
  }

  cancelAll(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
