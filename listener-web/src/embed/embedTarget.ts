import type { KeyValueStore } from "../language/storedPreferences.js";

/** What the embed page's URL names: `…/sessions/{id}/embed[?lang=xx]` (the API serves it). */
export interface EmbedTarget {
  readonly sessionId: string;
  /** One language, no picker; absent: the listener picks. */
  readonly language?: string;
}

export function embedTarget(pathname: string, search: string): EmbedTarget {
  const sessionId = decodeURIComponent(/\/sessions\/([^/]+)\/embed\/?$/.exec(pathname)?.[1] ?? "");
  const language = new URLSearchParams(search).get("lang") ?? undefined;
  return language ? { sessionId, language } : { sessionId };
}

/** Storage kept in the page only: an embed of one language must not remember another. */
export function memoryStore(): KeyValueStore {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}
