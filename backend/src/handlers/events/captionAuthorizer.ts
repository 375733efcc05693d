import { CAPTION_NAMESPACE, parseCaptionChannel } from "@babelcast/protocol";
import { verifyListenerTokenOfAnySession } from "../../services/listenerTokens.js";
import { type SessionRecord, sessionLanguages } from "../../services/sessionRecords.js";
import type { BackendDeps } from "../shared/backendDeps.js";

/**
 * The caption Event API's Lambda authorizer (AppSync Events, `AWS_LAMBDA` mode) for listeners.
 * A listener connects with the listener token its join gave it (the `Authorization` value of
 * the auth object) and subscribes to its session's channel of one language; the backend
 * publishes with IAM, so a listener may never publish.
 *
 * Request and response as AppSync Events documents them
 * (https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html, "AWS Lambda
 * authorization"): the request carries `authorizationToken`, `requestContext {apiId, accountId,
 * requestId, operation, channelNamespaceName, channel}` and `requestHeaders`; the function
 * answers `{isAuthorized, ttlOverride?, handlerContext?}`.
 */

export type EventApiOperation = "EVENT_CONNECT" | "EVENT_SUBSCRIBE" | "EVENT_PUBLISH";

export interface EventApiAuthorizerEvent {
  readonly authorizationToken?: string;
  readonly requestContext: {
    readonly apiId?: string;
    readonly accountId?: string;
    readonly requestId?: string;
    readonly operation: EventApiOperation | string;
    /** Absent on connect. */
    readonly channelNamespaceName?: string;
    /** Absent on connect. */
    readonly channel?: string;
  };
  readonly requestHeaders?: Readonly<Record<string, string>>;
}

export interface EventApiAuthorizerResult {
  readonly isAuthorized: boolean;
  /**
   * Seconds AppSync may reuse this answer for the same token instead of calling again
   * (`authorizerResultTtlInSeconds` overridden; at most 3600, 0 disables the cache:
   * https://docs.aws.amazon.com/appsync/latest/APIReference/API_LambdaAuthorizerConfig.html).
   */
  readonly ttlOverride?: number;
  /** Passed to the namespace's handlers as the identity (strings only here). */
  readonly handlerContext?: Readonly<Record<string, string>>;
}

/** What the authorizer reads: the token key, the clock, a session and whether a listener is known. */
export interface CaptionAuthorizerDeps {
  readonly listenerTokenSecret: string;
  readonly now: () => number;
  session(
    sessionId: string,
  ): Promise<Pick<SessionRecord, "sessionId" | "status" | "sourceLanguage" | "targetLanguages"> | undefined>;
  listenerKnown(sessionId: string, listenerId: string): Promise<boolean>;
}

export function captionAuthorizerDeps(deps: BackendDeps): CaptionAuthorizerDeps {
  return {
    get listenerTokenSecret() {
      return deps.config.listenerTokenSecret;
    },
    now: deps.now,
    session: (sessionId) => deps.stores.sessions.get(sessionId),
    listenerKnown: async (sessionId, listenerId) =>
      (await deps.stores.listeners.get(sessionId, listenerId)) !== undefined,
  };
}

/**
 * No answer is cached (ttlOverride 0). The documented cache (API_LambdaAuthorizerConfig above)
 * names no key but the token: an allowed connect or subscribe cached per token would also admit
 * the same token's subscribe to another session's channel without this check. A listener
 * connects once and subscribes once per language it picks: a few calls per listener, none per caption.
 */
const NO_CACHE = 0;

const DENY: EventApiAuthorizerResult = { isAuthorized: false, ttlOverride: NO_CACHE };

/** Why a request is refused, for the log; undefined when allowed. */
export type CaptionAuthorizerVerdict =
  | { readonly allow: true; readonly sessionId: string; readonly listenerId: string }
  | { readonly allow: false; readonly reason: string };

export async function judgeCaptionRequest(
  deps: CaptionAuthorizerDeps,
  event: EventApiAuthorizerEvent,
): Promise<CaptionAuthorizerVerdict> {
  const { operation, channel } = event.requestContext;
  if (operation !== "EVENT_CONNECT" && operation !== "EVENT_SUBSCRIBE") {
    return { allow: false, reason: `listeners may not ${operation} (only the backend publishes, with IAM)` };
  }
  const token = event.authorizationToken ?? "";
  if (!token) return { allow: false, reason: "no token" };
  const verdict = verifyListenerTokenOfAnySession(token, deps.listenerTokenSecret, deps.now());
  if (!verdict.ok) return { allow: false, reason: `listener token ${verdict.reason}` };
  const { s: sessionId, l: listenerId } = verdict.claims;
  const session = await deps.session(sessionId);
  if (!session) return { allow: false, reason: `no session ${sessionId}` };
  if (session.status === "ended") return { allow: false, reason: `session ${sessionId} has ended` };
  if (!(await deps.listenerKnown(sessionId, listenerId))) {
    return { allow: false, reason: `listener ${listenerId} is not known in ${sessionId}` };
  }
  if (operation === "EVENT_SUBSCRIBE") {
    // A wildcard (`/captions/<session>/*`) does not parse: one language per subscription.
    const parsed = parseCaptionChannel(channel ?? "");
    if (!parsed)
      return { allow: false, reason: `"${channel}" is not a /${CAPTION_NAMESPACE}/<session>/<language> channel` };
    if (parsed.sessionId !== sessionId) return { allow: false, reason: `channel ${channel} is another session's` };
    if (!sessionLanguages(session).includes(parsed.language)) {
      return { allow: false, reason: `session ${sessionId} does not offer ${parsed.language}` };
    }
  }
  return { allow: true, sessionId, listenerId };
}

/** The authorizer: allow with the listener's identity as handler context, or deny. */
export function createCaptionAuthorizer(deps: CaptionAuthorizerDeps, log?: BackendDeps["log"]) {
  return async (event: EventApiAuthorizerEvent): Promise<EventApiAuthorizerResult> => {
    const verdict = await judgeCaptionRequest(deps, event);
    if (!verdict.allow) {
      log?.info("caption event api request refused", {
        operation: event.requestContext.operation,
        channel: event.requestContext.channel,
        reason: verdict.reason,
      });
      return DENY;
    }
    return {
      isAuthorized: true,
      ttlOverride: NO_CACHE,
      handlerContext: { sessionId: verdict.sessionId, listenerId: verdict.listenerId },
    };
  };
}
