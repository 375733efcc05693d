/** The subset of `Storage` the page needs (tests pass a Map-backed fake). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const LANGUAGE_KEY = "babelcast.language";
const CAPTION_SIZE_KEY = "babelcast.captionSize";

/** Storage that may be missing or throw (Safari private mode, blocked cookies): never fails. */
export function safeStore(get: () => KeyValueStore | undefined): KeyValueStore {
  return {
    getItem(key) {
      try {
        return get()?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    setItem(key, value) {
      try {
        get()?.setItem(key, value);
      } catch {
        // Remembering is a convenience; the page works without it.
      }
    },
  };
}

export const rememberedLanguage = (store: KeyValueStore): string | null => store.getItem(LANGUAGE_KEY);
export const rememberLanguage = (store: KeyValueStore, code: string): void => store.setItem(LANGUAGE_KEY, code);

export const CAPTION_SIZES = 5;
const DEFAULT_CAPTION_SIZE = 2;

/** Caption size step 0..4 (2 is the default), clamped whatever storage holds. */
export function rememberedCaptionSize(store: KeyValueStore): number {
  const n = Number(store.getItem(CAPTION_SIZE_KEY) ?? DEFAULT_CAPTION_SIZE);
  return Number.isInteger(n) ? clampCaptionSize(n) : DEFAULT_CAPTION_SIZE;
}

export const clampCaptionSize = (n: number): number => Math.min(CAPTION_SIZES - 1, Math.max(0, n));

export const rememberCaptionSize = (store: KeyValueStore, size: number): void =>
  store.setItem(CAPTION_SIZE_KEY, String(clampCaptionSize(size)));
