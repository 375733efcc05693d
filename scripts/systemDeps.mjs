// Installs (or names) the system packages Babelcast's tests and embedded engines need.
// Only node built-ins here: this runs before `npm ci`.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian package → a file that proves it is installed (checked on any OS). */
export const SYSTEM_PACKAGES = {
  chromium: "/usr/bin/chromium",
  pocketsphinx: "/usr/bin/pocketsphinx_continuous",
  "pocketsphinx-en-us": "/usr/share/pocketsphinx/model/en-us/en-us",
  "pocketsphinx-testdata": "/usr/share/pocketsphinx/test/data/librivox",
  "python3-pocketsphinx": "/usr/lib/python3/dist-packages/pocketsphinx",
  apertium: "/usr/bin/apertium",
  "apertium-eng-spa": "/usr/share/apertium/modes/eng-spa.mode",
  "apertium-es-pt": "/usr/share/apertium/modes/es-pt.mode",
  "apertium-fr-es": "/usr/share/apertium/modes/es-fr.mode",
  "apertium-spa-ita": "/usr/share/apertium/modes/spa-ita.mode",
  "apertium-eng-cat": "/usr/share/apertium/modes/eng-cat.mode",
  "espeak-ng": "/usr/bin/espeak-ng",
  sox: "/usr/bin/sox",
  // The real TURN server GetIceServerConfig hands out (embedded/src/turn).
  coturn: "/usr/bin/turnserver",
};

export function missingSystemPackages() {
  return Object.entries(SYSTEM_PACKAGES)
    .filter(([, proof]) => !existsSync(proof))
    .map(([name]) => name);
}

function isDebianRoot() {
  return existsSync("/etc/debian_version") && typeof process.getuid === "function" && process.getuid() === 0;
}

/** Installs what is missing on Debian/Ubuntu as root; elsewhere throws naming what to install. */
export function ensureSystemPackages({ log = console.log } = {}) {
  const missing = missingSystemPackages();
  if (missing.length === 0) return;
  if (!isDebianRoot()) {
    throw new Error(
      `missing system packages: ${missing.join(" ")}\n` +
        "install them with your package manager (on Debian or Ubuntu: sudo apt-get install " +
        `${missing.join(" ")}), then run the command again`,
    );
  }
  log(`installing system packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const res = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
    stdio: "inherit",
    env,
  });
  if (res.status !== 0) throw new Error(`apt-get install failed for: ${missing.join(" ")}`);
  const still = missingSystemPackages();
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(" ")}`);
}
