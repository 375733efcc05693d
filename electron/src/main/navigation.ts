import { originOf } from "./consoleUrl.js";

/** Navigation and link rules for the console window. Pure: tested without Electron. */

/** The window may only move within our own origin (in-page routes, reloads). */
export function isAllowedNavigation(targetUrl: string, appOrigin: string): boolean {
  const origin = originOf(targetUrl);
  return origin !== "" && origin === appOrigin;
}

/**
 * Links the console may hand to the system browser: http(s) only, no credentials in the
 * URL. Anything else (file:, javascript:, custom schemes) could run local programs.
 */
export function isSafeExternalUrl(targetUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(targetUrl);
  } catch {
    return false;
  }
  return (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === "";
}
