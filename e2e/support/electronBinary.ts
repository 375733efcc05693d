import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const electronDir = join(import.meta.dirname, "..", "..", "electron");

/** The downloaded Electron binary, or why there is none (installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1 have none). */
export function electronBinary(): { path: string } | { missing: string } {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(join(electronDir, "package.json")).resolve("electron/package.json"));
  } catch {
    return { missing: "the electron package is not installed (npm install)" };
  }
  const pathFile = join(pkgDir, "path.txt");
  if (!existsSync(pathFile))
    return {
      missing:
        "the Electron binary was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1): run `node node_modules/electron/install.js` where downloads work",
    };
  const bin = join(pkgDir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(bin) ? { path: bin } : { missing: `the Electron binary is missing at ${bin}` };
}
