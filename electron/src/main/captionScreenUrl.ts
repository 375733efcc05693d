import { PATHS } from "@babelcast/protocol";
import { isSafeExternalUrl } from "./navigation.js";

/**
 * Whether main may open `url` as a caption screen window: a safe http(s) URL of the listener
 * site's caption screen page, naming a session and a language. Anything else the renderer
 * asks for is refused (main never loads arbitrary pages on the renderer's word). Pure.
 */
export function isCaptionScreenUrl(url: string): boolean {
  if (!isSafeExternalUrl(url)) return false;
  const u = new URL(url);
  return u.pathname === PATHS.captionScreen && Boolean(u.searchParams.get("session") && u.searchParams.get("lang"));
}
