import type { ObjectMeta } from "./objectStore.js";

/**
 * The lifecycle rule's expiration, as S3 applies it: an object under the rule's prefix expires
 * `days` after its creation, counted to the next midnight UTC
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html:
 * "rounding the resulting time to the next day midnight UTC").
 */
export function expiresAt(lastModified: number, days: number): number {
  const dayMs = 86_400_000;
  return Math.ceil((lastModified + days * dayMs) / dayMs) * dayMs;
}

/** The objects the rule has expired at `now`. */
export function expiredObjects(
  objects: readonly ObjectMeta[],
  rule: { readonly prefix: string; readonly days: number },
  now: number,
): ObjectMeta[] {
  return objects.filter((o) => o.key.startsWith(rule.prefix) && expiresAt(o.lastModified, rule.days) <= now);
}
