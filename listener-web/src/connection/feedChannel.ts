/**
 * The caption channel of a session's language: protocol's `captionChannel()`, written out
 * here because protocol's captionChannels module also builds zod schemas, which the page
 * cannot afford. test/connection/feedChannel.test.ts keeps the two equal.
 */
export const feedChannel = (sessionId: string, language: string): string => `/captions/${sessionId}/${language}`;
