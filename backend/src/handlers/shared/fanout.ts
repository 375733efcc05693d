import { type CaptionChannelEvent, captionChannel, type ServerMessage } from "@babelcast/protocol";
import { activeLanguages, countsFromCounters } from "../../services/listenerCounts.js";
import { type SessionRecord, sessionLanguages } from "../../services/sessionRecords.js";
import type { ConnectionRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";
import { postToEach } from "./connectionSend.js";
import { consoleConnections } from "./consoleConnections.js";
import { forgetConnections } from "./listenerPresence.js";

/**
 * Where messages go. Listeners get captions, partials and session status from the caption
 * Event API: one publish per language to `/captions/<session>/<language>`, whatever the number
 * of listeners. The console's messages (segment progress, channel grants, its status echo) go
 * to its WebSocket connection(s) through the Management API.
 */

/** Sends one message to many connections, forgetting those that are gone; returns how many received it. */
export async function sendToConnections(
  deps: BackendDeps,
  connections: readonly ConnectionRecord[],
  message: ServerMessage,
): Promise<number> {
  const { delivered, gone } = await postToEach(deps, connections, message);
  await forgetConnections(deps, gone);
  return delivered;
}

/** Sends a message to the session's console(s); returns how many received it. */
export async function sendToConsoles(deps: BackendDeps, sessionId: string, message: ServerMessage): Promise<number> {
  return sendToConnections(deps, await consoleConnections(deps, sessionId), message);
}

/**
 * Publishes one event to the listeners of one language. A failure (after the publisher's
 * retries) is logged, not thrown, like a post to a vanished connection: the event is stored or
 * its state is (captions, session status), and a listener's hello gets it back.
 */
export async function publishToLanguage(
  deps: BackendDeps,
  sessionId: string,
  language: string,
  event: CaptionChannelEvent,
): Promise<boolean> {
  try {
    await deps.captions.publish(captionChannel(sessionId, language), [event]);
    return true;
  } catch (err) {
    deps.log.error("caption event not published", { sessionId, language, type: event.type, error: String(err) });
    return false;
  }
}

/** Publishes one event to every language the session offers, its source language included. */
export async function publishToSession(
  deps: BackendDeps,
  session: Pick<SessionRecord, "sessionId" | "sourceLanguage" | "targetLanguages">,
  event: CaptionChannelEvent,
): Promise<number> {
  const published = await Promise.all(
    sessionLanguages(session).map((language) => publishToLanguage(deps, session.sessionId, language, event)),
  );
  return published.filter(Boolean).length;
}

/**
 * The languages a segment is translated into and published in: those of the session with a
 * connected listener now, from the listener counters (one GetItem, whatever the audience).
 */
export async function languagesWithListeners(
  deps: BackendDeps,
  session: Pick<SessionRecord, "sessionId" | "sourceLanguage" | "targetLanguages">,
): Promise<string[]> {
  const { counters } = await deps.stores.coordination.readCounts(session.sessionId);
  return activeLanguages(sessionLanguages(session), countsFromCounters(counters, {}));
}
