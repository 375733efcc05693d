import { randomUUID } from "node:crypto";
import type { Logger } from "@babelcast/backend/handlers/shared/logger.js";

/**
 * The Event API's AWS_LAMBDA authorization: the authorizer function gets the token (the
 * `Authorization` value of the client's auth object) and what is being done, and answers
 * `{isAuthorized, ttlOverride?, handlerContext?}`. Results are cached for the API's
 * `authorizerResultTtlInSeconds`, or the function's `ttlOverride`; 0 disables caching
 * (https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html,
 * https://docs.aws.amazon.com/appsync/latest/APIReference/API_LambdaAuthorizerConfig.html).
 */

export type EventApiOperation = "EVENT_CONNECT" | "EVENT_SUBSCRIBE" | "EVENT_PUBLISH";

/** The request event an Event API Lambda authorizer receives. */
export interface EventAuthorizerRequest {
  readonly authorizationToken: string;
  readonly requestContext: {
    readonly apiId: string;
    readonly accountId: string;
    readonly requestId: string;
    readonly operation: EventApiOperation;
    readonly channelNamespaceName?: string;
    readonly channel?: string;
  };
  readonly requestHeaders: Record<string, string>;
}

export interface EventAuthorizerResponse {
  readonly isAuthorized: boolean;
  readonly ttlOverride?: number;
  readonly handlerContext?: Record<string, unknown>;
}

/** What runs the authorizer function (the embedded Lambda runtime). */
export interface FunctionInvoker {
  invoke<T>(functionName: string, event: unknown): Promise<T>;
}

export interface AuthorizerOptions {
  readonly lambda: FunctionInvoker;
  readonly functionName: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly resultTtlSeconds: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/** What an operation asks about: the channel (subscribe, publish) and the headers that came with it. */
export interface AuthorizationQuestion {
  readonly token: string;
  readonly operation: EventApiOperation;
  readonly namespace?: string;
  readonly channel?: string;
  readonly headers: Record<string, string>;
}

/** Cached results at most; the oldest go first past this many (a bound on memory, not a quota). */
const MAX_CACHED_RESULTS = 10_000;

export class EventApiAuthorizer {
  private readonly cache = new Map<string, { allowed: boolean; expiresAt: number }>();
  private readonly now: () => number;
  /** How many times the function ran (tests check the cache with it). */
  invocations = 0;

  constructor(private readonly options: AuthorizerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Whether the token may do this. AWS does not document what its cache is keyed on; it is keyed
   * here on token, operation and channel, so the function is asked about every channel it has not
   * answered for (a per-token cache would let one allowed channel open every other one).
   */
  async authorize(question: AuthorizationQuestion): Promise<boolean> {
    const key = `${question.operation}\n${question.channel ?? ""}\n${question.token}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.allowed;
    if (cached) this.cache.delete(key);

    const { apiId, accountId, functionName } = this.options;
    const request: EventAuthorizerRequest = {
      authorizationToken: question.token,
      requestContext: {
        apiId,
        accountId,
        requestId: randomUUID(),
        operation: question.operation,
        ...(question.namespace === undefined ? {} : { channelNamespaceName: question.namespace }),
        ...(question.channel === undefined ? {} : { channel: question.channel }),
      },
      requestHeaders: question.headers,
    };
    let response: EventAuthorizerResponse;
    try {
      this.invocations += 1;
      response = await this.options.lambda.invoke<EventAuthorizerResponse>(functionName, request);
    } catch (err) {
      // A failing authorizer refuses (AppSync answers UnauthorizedException), and nothing is cached.
      this.options.log.error("event API authorizer failed", { function: functionName, error: String(err) });
      return false;
    }
    const allowed = response?.isAuthorized === true;
    const ttl =
      typeof response?.ttlOverride === "number" && Number.isFinite(response.ttlOverride)
        ? Math.min(Math.max(0, response.ttlOverride), 3600)
        : this.options.resultTtlSeconds;
    if (ttl > 0) {
      if (this.cache.size >= MAX_CACHED_RESULTS) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, { allowed, expiresAt: this.now() + ttl * 1000 });
    }
    return allowed;
  }
}
