/** The primary subtag of a BCP 47 tag, lower case: `pt-BR` → `pt`. */
export const primaryLanguage = (tag: string): string => tag.split(/[-_]/)[0]!.toLowerCase();

/**
 * Which of the session's languages to offer first: the listener's last choice when the
 * session has it, else the browser's most preferred language the session has, else the
 * presenter's own language.
 */
export function preselectLanguage(
  offered: readonly string[],
  remembered: string | null,
  browserLanguages: readonly string[],
  sourceLanguage: string,
): string {
  if (remembered && offered.includes(remembered)) return remembered;
  for (const tag of browserLanguages) {
    const code = primaryLanguage(tag);
    if (offered.includes(code)) return code;
  }
  return offered.includes(sourceLanguage) ? sourceLanguage : (offered[0] ?? sourceLanguage);
}

/** The session's languages, the presenter's first, without repeats. */
export function sessionLanguages(sourceLanguage: string, targetLanguages: readonly string[]): string[] {
  return [...new Set([sourceLanguage, ...targetLanguages])];
}
