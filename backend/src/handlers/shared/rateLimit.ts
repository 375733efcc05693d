import { ApiFailure } from "../../services/apiErrors.js";
import { type RateLimitRule, rateLimitMessage, rateLimitWindow } from "../../services/rateLimits.js";
import type { BackendDeps } from "./backendDeps.js";

/** Counts one request against a rule; throws 429 with a message saying when to retry. */
export async function enforceRateLimit(deps: BackendDeps, rule: RateLimitRule, subject: string): Promise<void> {
  const now = deps.now();
  const window = rateLimitWindow(rule, subject, now);
  const hits = await deps.stores.rateLimits.increment(window.bucket, window.expiresAt);
  if (hits > rule.limit) throw new ApiFailure(429, "TooManyRequests", rateLimitMessage(rule, window.resetAt, now));
}

export const joinsPerIp = (deps: BackendDeps): RateLimitRule => ({
  name: "joins-per-ip",
  limit: deps.config.limits.joinsPerIpPerMinute,
  windowMs: 60_000,
});

export const sessionsPerOwner = (deps: BackendDeps): RateLimitRule => ({
  name: "sessions-per-owner",
  limit: deps.config.limits.sessionsPerOwnerPerHour,
  windowMs: 3_600_000,
});
