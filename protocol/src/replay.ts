/**
 * A listener's `hello {lastSeq}` gets at most this many captions after `lastSeq`, oldest first
 * (one page: each is a PostToConnection). A reply that fills the page means there may be more:
 * the listener says hello again from the last one it got, until a reply comes up short.
 * Dependency-free, so the listener page imports it without zod.
 */
export const REPLAY_PAGE_CAPTIONS = 50;
