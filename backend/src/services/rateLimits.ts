/** Fixed-window rate limits: which counter a request increments, and whether it is over. Pure. */

export interface RateLimitRule {
  readonly name: "joins-per-ip" | "sessions-per-owner";
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitWindow {
  /** Counter key: rule, subject and window start. */
  readonly bucket: string;
  /** When the window ends, epoch ms. */
  readonly resetAt: number;
  /** Epoch seconds for the table's TTL: a little after the window ends. */
  readonly expiresAt: number;
}

export function rateLimitWindow(rule: RateLimitRule, subject: string, now: number): RateLimitWindow {
  const start = Math.floor(now / rule.windowMs) * rule.windowMs;
  const resetAt = start + rule.windowMs;
  return { bucket: `${rule.name}#${subject}#${start}`, resetAt, expiresAt: Math.ceil(resetAt / 1000) + 60 };
}

export function rateLimitMessage(rule: RateLimitRule, resetAt: number, now: number): string {
  const seconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  return rule.name === "joins-per-ip"
    ? `too many joins from this network (limit ${rule.limit} per minute): wait ${seconds} s and try again`
    : `too many sessions created (limit ${rule.limit} per hour): wait ${Math.ceil(seconds / 60)} min or reuse a session`;
}
