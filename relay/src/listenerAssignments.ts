/**
 * Who listens to what on a relay: each viewer's language, among the languages the console
 * sends. Pure: the relay's I/O asks it where a packet of a language goes.
 */
export class ListenerAssignments {
  private readonly languageOf = new Map<string, string>();
  private readonly viewersOf = new Map<string, Set<string>>();

  constructor(readonly languages: readonly string[]) {
    for (const language of languages) this.viewersOf.set(language, new Set());
  }

  /** Sets a viewer's language; an error message (and nothing changed) for a language the console does not send. */
  assign(viewerId: string, language: string): string | undefined {
    const listeners = this.viewersOf.get(language);
    if (!listeners) {
      return `language ${language} is not relayed here (this relay carries ${this.languages.join(", ")}); assign one of those`;
    }
    const before = this.languageOf.get(viewerId);
    if (before !== undefined) this.viewersOf.get(before)?.delete(viewerId);
    this.languageOf.set(viewerId, language);
    listeners.add(viewerId);
    return undefined;
  }

  remove(viewerId: string): void {
    const language = this.languageOf.get(viewerId);
    if (language === undefined) return;
    this.viewersOf.get(language)?.delete(viewerId);
    this.languageOf.delete(viewerId);
  }

  language(viewerId: string): string | undefined {
    return this.languageOf.get(viewerId);
  }

  /** The viewers a packet of `language` goes to (live view: do not change it while iterating). */
  listenersOf(language: string): ReadonlySet<string> {
    return this.viewersOf.get(language) ?? new Set();
  }

  /** Languages with at least one listener (the console need speak only these). */
  heard(): string[] {
    return [...this.viewersOf].filter(([, v]) => v.size > 0).map(([language]) => language);
  }
}
