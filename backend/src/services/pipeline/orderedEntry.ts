/**
 * Lets a session's segments into the pipeline in the console's order. Segment messages are
 * handled concurrently (a resend burst after a reconnect arrives all at once), and the
 * pipeline numbers each language's captions in the order segments enter it; so segment N
 * waits, for at most `maxWaitMs`, for N−1 to enter first. A segment older than one already
 * admitted enters at once (it can no longer keep its place); after the wait, a gap is given up.
 */
export class OrderedEntry {
  private expected: number | undefined;
  private readonly waiting = new Map<number, { admit: () => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly maxWaitMs: number) {}

  /** Resolves when segment `seq` may enter; resolutions come in the order segments should enter. */
  enter(seq: number): Promise<void> {
    return new Promise((resolve) => {
      const ready = this.expected === undefined ? seq === 0 : seq <= this.expected;
      if (ready) {
        this.admitted(seq);
        resolve();
        // Later: the caller's `await`/`then` on this promise must be queued before the next one's.
        queueMicrotask(() => this.drain());
        return;
      }
      const timer = setTimeout(() => this.giveUpGapBefore(seq), this.maxWaitMs);
      this.waiting.set(seq, { admit: resolve, timer });
    });
  }

  private admitted(seq: number): void {
    this.expected = Math.max(this.expected ?? 0, seq + 1);
  }

  /** Admits waiting segments that are next in line. */
  private drain(): void {
    for (;;) {
      const next = this.expected === undefined ? undefined : this.waiting.get(this.expected);
      if (!next || this.expected === undefined) return;
      this.release(this.expected, next);
    }
  }

  /** `seq` waited long enough: everything waiting up to it enters, in order. */
  private giveUpGapBefore(seq: number): void {
    for (const s of [...this.waiting.keys()].sort((a, b) => a - b)) {
      if (s > seq) break;
      const entry = this.waiting.get(s);
      if (entry) this.release(s, entry);
    }
    this.drain();
  }

  private release(seq: number, entry: { admit: () => void; timer: ReturnType<typeof setTimeout> }): void {
    clearTimeout(entry.timer);
    this.waiting.delete(seq);
    this.admitted(seq);
    entry.admit();
  }
}
