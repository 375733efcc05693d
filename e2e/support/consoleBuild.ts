import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const electronDir = join(import.meta.dirname, "..", "..", "electron");

/** Builds the console renderer once when `npm run build` has not (the server serves electron/dist/renderer). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(electronDir, "dist", "renderer", "index.html"))) return;
  execFileSync(process.execPath, [join(electronDir, "scripts", "build.mjs")], { cwd: electronDir, stdio: "inherit" });
}
