/**
 * The two readings of a request target. The one URL splitter of the embedded server: nothing
 * else takes `req.url` apart.
 */

/**
 * The target as the client sent it, split at the first `?`: the raw path, which SigV4 signs and
 * the AWS endpoints route on (never normalised: `//x` or `/a/../b` stay what they are), and the raw query.
 */
export function splitRequestTarget(url: string | undefined): { path: string; rawQuery: string } {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? { path: raw, rawQuery: "" } : { path: raw.slice(0, q), rawQuery: raw.slice(q + 1) };
}

/** The path as a browser resolves it (dot segments removed), for pages and files; check `URL.canParse` first. */
export function resolvedPath(url: string | undefined): string {
  return new URL(url ?? "/", "http://local").pathname;
}
