import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** HTML + JS + CSS of the listener page, gzip -9, in bytes: 20 KB counted as 20,000 bytes. */
export const GZIP_BUDGET_BYTES = 20_000;
/** The caption screen (`screen.html` and its assets): no audio, so a fraction of the page. */
export const SCREEN_GZIP_BUDGET_BYTES = 10_000;
/**
 * The embeddable player's script and style (`embed/`) plus the HTML the API serves: the
 * listener page's code and UI with a few lines more.
 */
export const EMBED_GZIP_BUDGET_BYTES = 21_000;

export const DIST_DIR = join(import.meta.dirname, "..", "dist");

export interface FileSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

const sizeOf = (file: string, data: Buffer): FileSize => ({
  file,
  bytes: data.length,
  gzipBytes: gzipSync(data, { level: 9 }).length,
});

/** Files of the built site (paths relative to dist), with their raw and gzip -9 sizes. */
export const measureFiles = (files: readonly string[], dir = DIST_DIR): FileSize[] =>
  files.map((f) => sizeOf(f, readFileSync(join(dir, f)))).sort((a, b) => a.file.localeCompare(b.file));

/** The assets (`/s/assets/…`) an HTML page of the build names, relative to dist. */
export function pageAssets(html: string, dir = DIST_DIR): string[] {
  const text = readFileSync(join(dir, html), "utf8");
  return [...text.matchAll(/(?:href|src)="\/s\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
}

/** A page of the build (`index.html`, `screen.html`) and every asset it names. */
export const measurePage = (html: string, dir = DIST_DIR): FileSize[] =>
  measureFiles([html, ...pageAssets(html, dir)], dir);

/** The embed's script and style, and the HTML the API serves with them (`embedHtml`). */
export const measureEmbed = (embedHtml: string, dir = DIST_DIR): FileSize[] => [
  ...measureFiles(["embed/embed.css", "embed/embed.js"], dir),
  sizeOf("(API) embed HTML", Buffer.from(embedHtml)),
];

export const totalGzipBytes = (sizes: readonly FileSize[]): number => sizes.reduce((n, f) => n + f.gzipBytes, 0);
