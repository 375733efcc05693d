/**
 * Security headers of the pages the embedded server serves (console and listener): one
 * policy, with the page's own CSP and the browser features it may use.
 */
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
