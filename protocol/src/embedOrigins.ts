/**
 * Origins a presenter allows to embed a session's player (CSP `frame-ancestors`). Pure checks,
 * shared by the API's schema, the console's settings field and the embed page's header.
 */

/** Hosts where plain http is allowed, for trying an embed on one's own machine. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** At most this many origins per session: a CSP header stays short, and a church has a site or two. */
export const MAX_EMBED_ORIGINS = 20;

/**
 * Why `value` is not an origin that may embed the player, or undefined when it is one: an
 * https origin (scheme, host, optional port; no path), or http on localhost / 127.0.0.1 / [::1].
 */
export function embedOriginProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not an origin: write it like https://www.example.org`;
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
    return `"${value}" must start with https:// (plain http only for localhost or 127.0.0.1)`;
  }
  // Plain host names only: nothing that could end the CSP source list (`;`, quotes) or widen it (`*`).
  if (!/^[a-z0-9.-]+$/.test(url.hostname) && url.hostname !== "[::1]") {
    return `"${value}" must name one site by its host name, like https://www.example.org (no wildcards)`;
  }
  if (url.origin !== value) {
    return `"${value}" must be an origin only (scheme, host and port), like ${url.origin}`;
  }
  return undefined;
}

/**
 * The problems of a whole allow-list (empty when it may be saved): each origin's, repeats,
 * and too many.
 */
export function embedOriginsProblems(values: readonly string[]): string[] {
  const problems = values.map(embedOriginProblem).filter((p): p is string => p !== undefined);
  if (new Set(values).size !== values.length) problems.push("an origin is listed twice");
  if (values.length > MAX_EMBED_ORIGINS) problems.push(`at most ${MAX_EMBED_ORIGINS} origins may embed the player`);
  return problems;
}

/** The CSP `frame-ancestors` sources for an allow-list: `'none'` when nobody may embed. */
export const frameAncestors = (origins: readonly string[]): string =>
  origins.length === 0 ? "'none'" : origins.join(" ");
