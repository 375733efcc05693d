import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const repoRoot = join(import.meta.dirname, "..", "..");

/** `npm test` builds first; a lone `playwright test` builds the listener page here if it is missing. */
export function ensureListenerPageBuilt(): void {
  // The embed player is built last: its presence means the whole site is built.
  if (existsSync(join(repoRoot, "listener-web", "dist", "embed", "embed.js"))) return;
  execFileSync("npm", ["run", "build", "-w", "listener-web", "--silent"], { cwd: repoRoot, stdio: "inherit" });
}
