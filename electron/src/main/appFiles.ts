import { extname, join, normalize, sep } from "node:path";

/** Content types of the files the bundled renderer consists of. */
export const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".map": "application/json",
};

export function contentTypeOf(file: string): string {
  return MIME[extname(file)] ?? "application/octet-stream";
}

/** Resolves a request path inside `root`; undefined for anything that climbs out of it. */
export function resolveInside(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const rel = normalize(decoded).replace(/^([/\\])+/, "");
  const full = join(root, rel === "" || rel === "." ? "index.html" : rel);
  return full.startsWith(root + sep) ? full : undefined;
}
