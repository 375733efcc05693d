/**
 * Where the console page comes from. With `--console-url` (what `npm start` passes) it is
 * the embedded server's page on a loopback address; without it, the renderer bundled in the
 * app, served under our own scheme (cloud mode).
 */
export const APP_SCHEME = "babelcast";
export const APP_ORIGIN = `${APP_SCHEME}://console`;
export const BUNDLED_CONSOLE_URL = `${APP_ORIGIN}/index.html`;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface ConsoleLocation {
  /** The URL the window loads (may carry `#token=` for the embedded owner token). */
  readonly url: string;
  /** The only origin the window may show, and the only one granted the microphone. */
  readonly origin: string;
}

/**
 * Picks the console location from the command line. Only loopback http URLs are accepted:
 * a URL on another host would hand the microphone to a page we do not serve.
 */
export function consoleLocationFromArgs(argv: readonly string[]): ConsoleLocation {
  const arg = argv.find((a) => a.startsWith("--console-url="));
  if (!arg) return { url: BUNDLED_CONSOLE_URL, origin: APP_ORIGIN };
  const raw = arg.slice("--console-url=".length);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`--console-url is not a URL: ${raw}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`--console-url must be an http(s) URL, got ${parsed.protocol}`);
  if (parsed.protocol === "http:" && !LOOPBACK_HOSTS.has(parsed.hostname))
    throw new Error(`--console-url over http must be on this machine (127.0.0.1 or localhost), got ${parsed.hostname}`);
  return { url: parsed.toString(), origin: parsed.origin };
}

/**
 * The origin of a URL, our own scheme included (WHATWG URL gives "null" for schemes it
 * does not know; Chromium treats a registered standard scheme like http).
 */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === `${APP_SCHEME}:`) return `${u.protocol}//${u.host}`;
    return u.origin === "null" ? "" : u.origin;
  } catch {
    return "";
  }
}
