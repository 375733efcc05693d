import { PATHS } from "@babelcast/protocol";

/**
 * Whether main may open `url` as a caption screen window: an http(s) URL of the listener
 * site's caption screen page, naming a session and a language. Anything else the renderer
 * asks for is refused (main never loads arbitrary pages on the renderer's word). Pure.
 */
export function isCaptionScreenUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    (u.protocol === "https:" || u.protocol === "http:") &&
    u.pathname === PATHS.captionScreen &&
    Boolean(u.searchParams.get("session")) &&
    Boolean(u.searchParams.get("lang"))
  );
}
