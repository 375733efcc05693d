// Installs npm dependencies when node_modules is missing or older than the lockfile.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

export function npmDepsStale(root) {
  const marker = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(marker)) return true;
  return statSync(join(root, "package-lock.json")).mtimeMs > statSync(marker).mtimeMs;
}

export function ensureNpmDeps(root, { log = console.log } = {}) {
  if (!npmDepsStale(root)) return;
  log("installing npm dependencies (npm ci)");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  let res = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=warn"], { cwd: root, stdio: "inherit" });
  if (res.status !== 0 && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    // Electron's binary comes from outside the npm registry; without it, browser mode still works.
    log("npm ci failed; retrying without the Electron binary download (the console then opens in your browser)");
    res = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=warn"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: "1" },
    });
  }
  if (res.status !== 0) throw new Error("npm ci failed: see the output above");
}
