import { describe, expect, it } from "vitest";
import {
  type KeyValueStore,
  rememberCaptionSize,
  rememberedCaptionSize,
  rememberedLanguage,
  rememberLanguage,
  safeStore,
} from "../../src/language/storedPreferences.js";

const memoryStore = (): KeyValueStore => {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
};

describe("remembered preferences", () => {
  it("remembers the last language chosen", () => {
    const store = memoryStore();
    expect(rememberedLanguage(store)).toBeNull();
    rememberLanguage(store, "de");
    expect(rememberedLanguage(store)).toBe("de");
  });

  it("keeps the caption size within its steps whatever storage holds", () => {
    const store = memoryStore();
    expect(rememberedCaptionSize(store)).toBe(2);
    rememberCaptionSize(store, 9);
    expect(rememberedCaptionSize(store)).toBe(4);
    store.setItem("babelcast.captionSize", "banana");
    expect(rememberedCaptionSize(store)).toBe(2);
  });

  it("survives storage that throws (Safari private mode) or is missing", () => {
    const throwing = safeStore(() => ({
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    }));
    expect(() => rememberLanguage(throwing, "fr")).not.toThrow();
    expect(rememberedLanguage(throwing)).toBeNull();
    const missing = safeStore(() => {
      throw new Error("localStorage is not available");
    });
    expect(rememberedLanguage(missing)).toBeNull();
  });
});
