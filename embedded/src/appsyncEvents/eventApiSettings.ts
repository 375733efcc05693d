import { EVENT_API_LIMITS } from "@babelcast/protocol";
import { z } from "zod";

/** Section of `D/embedded.json` for the embedded AppSync Events API. */
export const EVENT_API_SETTINGS_SECTION = "appsyncEvents";

/** Where AppSync Events documents what the embedded Event API enforces. */
export const EVENT_API_DOCS = {
  protocol: "https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html",
  publishHttp: "https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html",
  concepts: "https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-concepts.html",
  namespaces: "https://docs.aws.amazon.com/appsync/latest/eventapi/channel-namespaces.html",
  auth: "https://docs.aws.amazon.com/appsync/latest/eventapi/configure-event-api-auth.html",
  authorizerConfig: "https://docs.aws.amazon.com/appsync/latest/APIReference/API_LambdaAuthorizerConfig.html",
  cdkAuthorizerConfig:
    "https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_appsync.AppSyncLambdaAuthorizerConfig.html",
  quotas: "https://docs.aws.amazon.com/general/latest/gr/appsync.html",
} as const;

/** AppSync Events' limits and timings, as the service applies them. */
export const EVENT_API_DEFAULTS = {
  /** `connection_ack`'s `connectionTimeoutMs`: the client gives up after this long without a `ka`. */
  connectionTimeoutMs: 300_000,
  /** The service's keep-alive period (about a minute; the protocol page names no exact figure). */
  keepAliveIntervalMs: 60_000,
  /** CDK's `resultsCacheTtl` default (5 minutes); the API allows 0 to 3600 s. */
  authorizerResultTtlSeconds: 300,
  maxAuthorizerResultTtlSeconds: 3600,
  /** One HTTP publish request body ("1.2 MB" in the quota table; the smaller reading). */
  maxPublishBodyBytes: 1_200_000,
  /**
   * Bytes still queued to one subscriber when a publish arrives that make it too slow to keep:
   * it is dropped. AWS documents no figure; this one is about eight of the largest events.
   */
  maxSubscriberBufferBytes: 8 * EVENT_API_LIMITS.maxEventBytes,
} as const;

/**
 * Tests shorten the keep-alive period, the authorizer cache and the slow-subscriber bound;
 * nothing may exceed what AWS allows (the cache TTL) or relax a documented limit.
 */
export const EventApiSettings = z
  .object({
    keepAliveIntervalMs: z.number().int().min(20).default(EVENT_API_DEFAULTS.keepAliveIntervalMs),
    connectionTimeoutMs: z
      .number()
      .int()
      .min(50)
      .max(EVENT_API_DEFAULTS.connectionTimeoutMs)
      .default(EVENT_API_DEFAULTS.connectionTimeoutMs),
    authorizerResultTtlSeconds: z
      .number()
      .int()
      .min(0)
      .max(EVENT_API_DEFAULTS.maxAuthorizerResultTtlSeconds)
      .default(EVENT_API_DEFAULTS.authorizerResultTtlSeconds),
    maxSubscriberBufferBytes: z.number().int().min(1024).default(EVENT_API_DEFAULTS.maxSubscriberBufferBytes),
  })
  .refine(
    (s) => s.keepAliveIntervalMs < s.connectionTimeoutMs,
    "keepAliveIntervalMs must be below connectionTimeoutMs",
  );
export type EventApiSettings = z.infer<typeof EventApiSettings>;
