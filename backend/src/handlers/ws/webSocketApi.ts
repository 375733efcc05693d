import {
  ConsoleEndMessage,
  ConsoleHelloMessage,
  ConsolePartialMessage,
  ConsoleSegmentMessage,
  ConsoleStatusMessage,
  ListenerHelloMessage,
  ListenerLanguageMessage,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_PARTIALS_PER_SECOND,
  REPLAY_PAGE_CAPTIONS,
  type ServerMessage,
  WS_MESSAGE_ROUTES,
} from "@babelcast/protocol";
import type { APIGatewayProxyWebsocketEventV2 } from "aws-lambda";
import type { z } from "zod";
import { storedCaption } from "../../segmentJourney/captionMessage.js";
import { ApiFailure, badRequest, conflict, forbidden, notFound, parseOrThrow } from "../../services/apiErrors.js";
import { declaredInterpretedCaptions, segmentLanguages } from "../../services/interpretedCaptions.js";
import { type SessionRecord, sessionLanguages } from "../../services/sessionRecords.js";
import { segmentSource } from "../../services/sourceLanguageChange.js";
import { filterText } from "../../services/wordFilter.js";
import type { SegmentRecord } from "../../tables/records.js";
import { endSessionNow } from "../http/sessionsHandlers.js";
import type { BackendDeps } from "../shared/backendDeps.js";
import { consoleConnections } from "../shared/consoleConnections.js";
import { languagesWithListeners, publishToLanguage, publishToSession, sendToConsoles } from "../shared/fanout.js";
import { announceLifecycle } from "../shared/lifecycle.js";
import {
  listenerConnected,
  listenerCountsMessage,
  listenerDisconnected,
  pushListenerCounts,
} from "../shared/listenerPresence.js";
import { handOffSegment } from "../shared/segmentHandOff.js";
import { type ConnectionIdentity, identityFromContext } from "./connectAuthorizer.js";

/** A WebSocket API event; the authorizer's context rides in `requestContext.authorizer`. */
export type WsEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2["requestContext"] & { authorizer?: Record<string, unknown> };
};
export interface WsResult {
  readonly statusCode: number;
  readonly body?: string;
}

interface MessageContext {
  readonly deps: BackendDeps;
  readonly connectionId: string;
  readonly identity: ConnectionIdentity;
  readonly body: unknown;
}

/** Replies to the connection that sent the message. */
async function reply(ctx: MessageContext, message: ServerMessage): Promise<void> {
  await ctx.deps.sockets.send(ctx.connectionId, message);
}

async function liveSession(ctx: MessageContext): Promise<SessionRecord> {
  const session = await ctx.deps.stores.sessions.get(ctx.identity.sessionId);
  if (!session) throw notFound(`session ${ctx.identity.sessionId} no longer exists`);
  if (session.status === "ended") throw conflict(`session ${session.sessionId} has ended`);
  return session;
}

function requireRole(ctx: MessageContext, role: "console" | "listener", what: string): void {
  if (ctx.identity.role !== role) throw forbidden(`only the session's ${role} may send ${what}`);
}

function parse<S extends z.ZodType>(ctx: MessageContext, schema: S, what: string): z.infer<S> {
  return parseOrThrow(schema, ctx.body, what);
}

async function sendCounts(ctx: MessageContext, sessionId: string): Promise<void> {
  await reply(ctx, await listenerCountsMessage(ctx.deps, sessionId));
}

// ---- console routes ----------------------------------------------------------

/** The console's text with the session's source words filtered. */
function sourceFiltered(session: SessionRecord, text: string): string {
  const filter = session.wordFilter;
  return filter ? filterText(text, filter.words, filter.method) : text;
}

async function onSegment(ctx: MessageContext): Promise<void> {
  requireRole(ctx, "console", "segments");
  const message = parse(ctx, ConsoleSegmentMessage, "the segment");
  if (message.endTime < message.startTime) throw badRequest("endTime must not be before startTime");
  const receivedAt = ctx.deps.now();
  const session = await liveSession(ctx);
  const [withListeners, consoles] = await Promise.all([
    languagesWithListeners(ctx.deps, session),
    consoleConnections(ctx.deps, session.sessionId),
  ]);
  const routed = segmentLanguages(session, withListeners, message.captionLanguage);
  if (!routed.ok) throw badRequest(routed.reason);
  const { languages } = routed;
  const segment: SegmentRecord = {
    sessionId: session.sessionId,
    seq: message.seq,
    // Transcribe's vocabulary filter has already masked or removed the words; this catches any it
    // could not (a stream started before the filter changed, words outside its character set).
    text: sourceFiltered(session, message.text),
    startTime: message.startTime,
    endTime: message.endTime,
    // An interpreter's words are in their language: that is the segment's source.
    ...(message.captionLanguage
      ? { sourceLanguage: message.captionLanguage }
      : message.sourceLanguage
        ? { sourceLanguage: message.sourceLanguage }
        : {}),
    stages: { ...message.stages, receivedAt, persistedAt: ctx.deps.now() },
    languages,
    translations: {},
  };
  // Stored once per seq: a re-sent segment is already stored (and on its way): nothing more to do.
  if (!(await ctx.deps.stores.segments.create(segment))) return;
  await handOffSegment(ctx.deps, segment, session, consoles);
}

async function onPartial(ctx: MessageContext): Promise<void> {
  requireRole(ctx, "console", "partials");
  const message = parse(ctx, ConsolePartialMessage, "the partial");
  const session = await liveSession(ctx);
  // Partials are the source language's only: the source channel's listeners read along.
  await publishToLanguage(ctx.deps, session.sessionId, session.sourceLanguage, {
    type: "partial",
    text: sourceFiltered(session, message.text),
  });
}

async function onStatus(ctx: MessageContext): Promise<void> {
  requireRole(ctx, "console", "status");
  const message = parse(ctx, ConsoleStatusMessage, "the status");
  const session = await liveSession(ctx);
  const interpreted = message.interpretedCaptions && declaredInterpretedCaptions(session, message.interpretedCaptions);
  if (interpreted && !interpreted.ok) throw badRequest(interpreted.reason);
  const updated = await ctx.deps.stores.sessions.update(session.sessionId, {
    status: message.status,
    muted: message.muted,
    ...(interpreted ? { interpretedCaptions: interpreted.languages } : {}),
    updatedAt: ctx.deps.now(),
  });
  if (!updated) throw conflict(`session ${session.sessionId} has ended`);
  if (updated.status !== session.status) await announceLifecycle(ctx.deps, updated, message.status);
  const status = { type: "session-status", status: updated.status, muted: updated.muted } as const;
  // Listeners by their language's channel; the console(s) get the echo on their connection.
  await Promise.all([publishToSession(ctx.deps, updated, status), sendToConsoles(ctx.deps, session.sessionId, status)]);
}

async function onEnd(ctx: MessageContext): Promise<void> {
  requireRole(ctx, "console", "end");
  parse(ctx, ConsoleEndMessage, "the end");
  const session = await ctx.deps.stores.sessions.get(ctx.identity.sessionId);
  if (!session) throw notFound(`session ${ctx.identity.sessionId} no longer exists`);
  await endSessionNow(ctx.deps, session);
}

// ---- listener routes (and the console's hello) ----------------------------------

/**
 * Captions a listener missed: at most this many, the oldest first, from just after its last.
 * Oldest first fills a short absence exactly: segments stored but not yet translated (a backlog
 * in its language) come later on the channel, and must not crowd out the captions it missed.
 */
const RESEND_LIMIT = REPLAY_PAGE_CAPTIONS;

async function onHello(ctx: MessageContext): Promise<void> {
  // Checked before any table read: a malformed hello costs no database work.
  let lastSeq: number | undefined;
  let consoleEpoch: number | undefined;
  if (ctx.identity.role === "console") consoleEpoch = parse(ctx, ConsoleHelloMessage, "the hello").hubEpoch;
  else lastSeq = parse(ctx, ListenerHelloMessage, "the hello").lastSeq;
  const session = await ctx.deps.stores.sessions.get(ctx.identity.sessionId);
  if (!session) throw notFound(`session ${ctx.identity.sessionId} no longer exists`);
  const hubEpoch = session.hubEpoch ?? 0;
  // A console that was away when its session was handed off learns it on its way back.
  if (consoleEpoch !== undefined && consoleEpoch < hubEpoch) return reply(ctx, { type: "handed-off", hubEpoch });
  if (lastSeq === undefined) {
    await reply(ctx, { type: "session-status", status: session.status, muted: session.muted });
    await sendCounts(ctx, session.sessionId);
    return;
  }
  await reply(ctx, { type: "session-status", status: session.status, muted: session.muted });
  const listener = await ctx.deps.stores.listeners.get(session.sessionId, ctx.identity.listenerId ?? "");
  if (!listener) return;
  const missed = await ctx.deps.stores.segments.listAfter(session.sessionId, lastSeq, RESEND_LIMIT);
  for (const segment of missed) {
    const caption = storedCaption(segment, segmentSource(segment, session), listener.language);
    if (caption) await reply(ctx, caption);
  }
}

async function onLanguage(ctx: MessageContext): Promise<void> {
  requireRole(ctx, "listener", "language changes");
  const message = parse(ctx, ListenerLanguageMessage, "the language change");
  const session = await liveSession(ctx);
  const offered = sessionLanguages(session);
  if (!offered.includes(message.language)) {
    throw badRequest(
      `language ${message.language} is not offered in this session: choose one of ${offered.join(", ")}`,
    );
  }
  const listenerId = ctx.identity.listenerId ?? "";
  const change = await ctx.deps.stores.listeners.setLanguage(
    session.sessionId,
    listenerId,
    message.language,
    ctx.deps.now(),
  );
  await ctx.deps.stores.connections.setLanguage(ctx.connectionId, message.language);
  await reply(ctx, { type: "language-changed", language: message.language });
  // The same language again changes no count: nothing to push.
  if (change.countsVersion !== undefined) await pushListenerCounts(ctx.deps, session.sessionId, change.countsVersion);
}

const MESSAGE_ROUTES: Record<(typeof WS_MESSAGE_ROUTES)[number], (ctx: MessageContext) => Promise<void>> = {
  segment: onSegment,
  partial: onPartial,
  status: onStatus,
  end: onEnd,
  hello: onHello,
  language: onLanguage,
};

/**
 * The console throttles its partials to MAX_PARTIALS_PER_SECOND (PartialThrottle); the server
 * holds every console to it too, at one UpdateItem per partial on a per-second counter in the
 * coordination table (Lambda containers share no memory, so a counter in one would not hold).
 * A partial over the limit is dropped quietly: the next one (or the final caption) replaces it.
 */
async function partialAdmitted(deps: BackendDeps, sessionId: string): Promise<boolean> {
  return deps.stores.coordination.admitPartial(sessionId, MAX_PARTIALS_PER_SECOND, deps.now());
}

// ---- connect / disconnect --------------------------------------------------------

/** API Gateway closes connections after 2 hours; keep rows a little longer. */
const CONNECTION_TTL_SECONDS = 3 * 3600;

async function onConnect(deps: BackendDeps, connectionId: string, identity: ConnectionIdentity): Promise<void> {
  const now = deps.now();
  const listener = identity.listenerId
    ? await deps.stores.listeners.get(identity.sessionId, identity.listenerId)
    : undefined;
  await deps.stores.connections.put({
    connectionId,
    sessionId: identity.sessionId,
    role: identity.role,
    ...(listener ? { listenerId: listener.listenerId, language: listener.language } : {}),
    connectedAt: now,
    expiresAt: Math.ceil(now / 1000) + CONNECTION_TTL_SECONDS,
  });
  if (identity.role === "console")
    await deps.stores.coordination.addConsoleConnection(identity.sessionId, connectionId, now, now);
  if (listener) await listenerConnected(deps, identity.sessionId, listener.listenerId, connectionId);
}

async function onDisconnect(deps: BackendDeps, connectionId: string): Promise<void> {
  const connection = await deps.stores.connections.delete(connectionId);
  if (connection?.role === "console")
    await deps.stores.coordination.removeConsoleConnection(connection.sessionId, connectionId);
  if (!connection?.listenerId) return;
  // A repeated disconnect, or one from a connection the listener already replaced, changes no count.
  const version = await listenerDisconnected(deps, connection);
  if (version !== undefined) await pushListenerCounts(deps, connection.sessionId, version);
}

function errorStatus(err: unknown): ApiFailure {
  if (err instanceof ApiFailure) return err;
  return new ApiFailure(500, "InternalError", "the server failed on this message: try again");
}

/** The WebSocket API as one handler of API Gateway WebSocket events, dispatching on the route key. */
export function createWebSocketHandler(deps: BackendDeps): (event: WsEvent) => Promise<WsResult> {
  return async (event) => {
    const { routeKey, connectionId } = event.requestContext;
    const identity = identityFromContext(event.requestContext.authorizer);
    if (routeKey === "$disconnect") {
      await onDisconnect(deps, connectionId).catch((err) =>
        deps.log.warn("disconnect cleanup failed", { connectionId, error: String(err) }),
      );
      return { statusCode: 200 };
    }
    if (!identity) return { statusCode: 401, body: "the connection was not authorized" };
    if (routeKey === "$connect") {
      await onConnect(deps, connectionId, identity);
      return { statusCode: 200 };
    }
    const ctxBase = { deps, connectionId, identity };
    try {
      const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
      if (Buffer.byteLength(raw) > MAX_CLIENT_MESSAGE_BYTES) {
        throw new ApiFailure(413, "MessageTooLarge", `messages may be at most ${MAX_CLIENT_MESSAGE_BYTES} bytes`);
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw badRequest("the message is not JSON: send an object with an action");
      }
      // A valid console partial beyond MAX_PARTIALS_PER_SECOND per session is dropped before any
      // other work; an invalid one still gets its error from the route.
      if (
        routeKey === "partial" &&
        identity.role === "console" &&
        ConsolePartialMessage.safeParse(body).success &&
        !(await partialAdmitted(deps, identity.sessionId))
      ) {
        return { statusCode: 200 };
      }
      const route = MESSAGE_ROUTES[routeKey as keyof typeof MESSAGE_ROUTES];
      if (!route) {
        const action = (body as { action?: unknown })?.action;
        throw badRequest(
          `${typeof action === "string" ? `unknown action "${action}"` : "the message has no action"}: expected one of ${WS_MESSAGE_ROUTES.join(", ")}`,
        );
      }
      await route({ ...ctxBase, body });
      return { statusCode: 200 };
    } catch (err) {
      const failure = errorStatus(err);
      if (failure.status >= 500)
        deps.log.error("ws handler failed", { routeKey, error: String((err as Error)?.stack ?? err) });
      await deps.sockets
        .send(connectionId, { type: "error", code: failure.code, message: failure.message })
        .catch(() => undefined);
      return { statusCode: failure.status, body: failure.message };
    }
  };
}
