import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";

/** HTML + JS + CSS of the listener page, gzip -9, in bytes: 20 KB counted as 20,000 bytes. */
export const GZIP_BUDGET_BYTES = 20_000;

export const DIST_DIR = join(import.meta.dirname, "..", "dist");

export interface FileSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

const counted = /\.(html|js|css)$/;

/** Every HTML, JS and CSS file of a built page, with its raw and gzip -9 size. */
export function measureDist(dir = DIST_DIR): FileSize[] {
  const out: FileSize[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (counted.test(name)) {
        const data = readFileSync(path);
        out.push({ file: relative(dir, path), bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export const totalGzipBytes = (sizes: readonly FileSize[]): number => sizes.reduce((n, f) => n + f.gzipBytes, 0);
