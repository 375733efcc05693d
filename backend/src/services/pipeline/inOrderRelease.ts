/**
 * Per-language order: each language numbers its segments 0, 1, 2… in the order they enter
 * the pipeline, and releases results strictly in that order. A result that finishes early
 * waits for every earlier one, so a late segment never overtakes an earlier one in a
 * listener's captions or the console's speech queue, however the translations race. Pure.
 */
export class InOrderRelease<T> {
  private readonly nextToAssign = new Map<string, number>();
  private readonly nextToRelease = new Map<string, number>();
  private readonly waiting = new Map<string, Map<number, T>>();

  /** The language's next sequence number; call in the order segments arrive. */
  assign(language: string): number {
    const seq = this.nextToAssign.get(language) ?? 0;
    this.nextToAssign.set(language, seq + 1);
    if (!this.nextToRelease.has(language)) this.nextToRelease.set(language, seq);
    return seq;
  }

  /** Hands in the result for `seq`; returns every result that may now go out, in order. */
  complete(language: string, seq: number, result: T): T[] {
    const waiting = this.waiting.get(language) ?? new Map<number, T>();
    this.waiting.set(language, waiting);
    if (waiting.has(seq) || seq < (this.nextToRelease.get(language) ?? 0))
      throw new Error(`segment ${seq} of ${language} completed twice`);
    waiting.set(seq, result);
    const released: T[] = [];
    let next = this.nextToRelease.get(language) ?? 0;
    while (waiting.has(next)) {
      released.push(waiting.get(next) as T);
      waiting.delete(next);
      next++;
    }
    this.nextToRelease.set(language, next);
    return released;
  }

  /** Results held back behind an unfinished earlier one. */
  heldBack(language: string): number {
    return this.waiting.get(language)?.size ?? 0;
  }
}
