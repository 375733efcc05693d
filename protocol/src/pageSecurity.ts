/**
 * The pages' security headers: one policy for the console and the listener page, used by the
 * embedded server and by the cloud stack's CloudFront response-headers policy alike.
 */

/** The listener page's Content-Security-Policy: its own scripts and styles only, no framing, no plugins. */
export function listenerPageCsp(connect: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${connect.join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * The embeddable player's Content-Security-Policy. The HTTP API serves its HTML (so each
 * session's `frame-ancestors` comes from the session's allow-list); its script and style come
 * from the listener site, `assetOrigin`.
 */
export function embedPageCsp(assetOrigin: string, connect: readonly string[], ancestors: string): string {
  return [
    "default-src 'none'",
    `script-src ${assetOrigin}`,
    `style-src ${assetOrigin}`,
    "img-src 'self' data:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${[assetOrigin, ...connect].join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join("; ");
}

/**
 * The embed page's headers: the listener page's, without `X-Frame-Options` (CSP
 * `frame-ancestors` decides, per session) and without `Cross-Origin-Resource-Policy` (it is
 * meant to be framed by other sites).
 */
export function embedPageSecurityHeaders(csp: string): Record<string, string> {
  const {
    "x-frame-options": _,
    "cross-origin-resource-policy": __,
    ...rest
  } = pageSecurityHeaders(csp, LISTENER_PERMISSIONS_POLICY);
  return rest;
}

/** The listener page only listens: it never needs the camera, microphone or location. */
export const LISTENER_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/**
 * The console's Content-Security-Policy: its own scripts and styles only; network to the
 * origins it talks to (API, WebSocket API, KVS signaling, Transcribe, credentials). `blob:`
 * in script-src is for the recognizer's AudioWorklet module, which it loads from a Blob URL.
 */
export function consolePageCsp(connect: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self' blob:",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "worker-src 'self' blob:",
    `connect-src 'self' ${connect.join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** The console needs the microphone (and full screen for the QR code), nothing else. */
export const CONSOLE_PERMISSIONS_POLICY =
  "microphone=(self), fullscreen=(self), camera=(), geolocation=(), payment=(), usb=()";

/** Every security header of a page, with the page's own CSP and the browser features it may use. */
export function pageSecurityHeaders(csp: string, permissionsPolicy: string): Record<string, string> {
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    // The console's URL carries the owner token in its fragment; no page leaks its URL.
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": permissionsPolicy,
  };
}
