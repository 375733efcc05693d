/** A language's name in itself (`es` → `Español`), from the browser's own data: no bytes shipped. */
export function nativeLanguageName(code: string): string {
  try {
    const name = new Intl.DisplayNames([code], { type: "language" }).of(code);
    if (name && name !== code) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    // Old browsers without Intl.DisplayNames: the code is still recognizable.
  }
  return code.toUpperCase();
}
