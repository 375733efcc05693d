import { PATHS } from "./paths.js";

/**
 * Links to a session's caption screen and embeddable player, built the same way by the
 * console (buttons, copy-paste snippet) and by the API (the embed page's HTML).
 */

const trimmed = (base: string): string => base.replace(/\/+$/, "");

/** The caption screen of one language: `${listenerUrl}/s/screen.html?session=…&lang=…`. */
export function captionScreenUrl(listenerUrl: string, sessionId: string, language: string): string {
  const q = new URLSearchParams({ session: sessionId, lang: language });
  return `${trimmed(listenerUrl)}${PATHS.captionScreen}?${q}`;
}

/** The embeddable player (HTTP API route `GET /sessions/{id}/embed`); with `language`, no picker. */
export function embedPlayerUrl(apiUrl: string, sessionId: string, language?: string): string {
  const url = `${trimmed(apiUrl)}/sessions/${encodeURIComponent(sessionId)}/embed`;
  return language ? `${url}?${new URLSearchParams({ lang: language })}` : url;
}

/** The `<iframe>` a site owner pastes into a page. */
export function embedSnippet(playerUrl: string): string {
  return `<iframe src="${playerUrl}" title="Live translation" width="400" height="360" style="border:0"></iframe>`;
}

const escapeAttribute = (s: string): string => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** The embed page: an empty shell whose script (from the listener site) reads the session from its URL. */
export function embedPageHtml(assetOrigin: string): string {
  const base = escapeAttribute(`${trimmed(assetOrigin)}${PATHS.embedAssets}`);
  return [
    "<!doctype html>",
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Babelcast</title><link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="${base}embed.css" crossorigin>`,
    `<script type="module" src="${base}embed.js" crossorigin></script>`,
    '</head><body><div id="app"></div></body></html>',
  ].join("\n");
}
