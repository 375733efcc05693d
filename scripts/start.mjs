// `npm start`: installs what is missing, builds, starts the embedded server on the LAN,
// opens the console, and prints the console URL, the listener URL and its QR code.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensureNpmDeps } from "./npmDeps.mjs";
import { ensureSystemPackages } from "./systemDeps.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The first non-internal IPv4 address: what phones on the same Wi-Fi can reach. */
function lanAddress() {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

/** Path of the Electron binary when it was downloaded; undefined otherwise. */
function electronBinary() {
  try {
    const require = createRequire(join(root, "electron", "package.json"));
    const pkgDir = dirname(require.resolve("electron/package.json"));
    const rel = readFileSync(join(pkgDir, "path.txt"), "utf8").trim();
    const bin = join(pkgDir, "dist", rel);
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

function openInBrowser(url) {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "cmd" : "xdg-open";
  const args = process.platform === "win32" ? ["/c", "start", "", url] : [url];
  const child = spawn(cmd, args, { stdio: "ignore", detached: true });
  child.on("error", () => console.log(`(could not open a browser: open ${url} yourself)`));
  child.unref();
}

try {
  ensureSystemPackages();
} catch (err) {
  // The server still starts; the offline engines it lacks report clear errors when used.
  console.warn(`warning: ${err.message}`);
}
ensureNpmDeps(root);
const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
if (built.status !== 0) {
  console.error("npm start: the build failed; see above");
  process.exit(1);
}

const host = process.env.BABELCAST_HOST ?? "0.0.0.0";
const publicHost = process.env.BABELCAST_PUBLIC_HOST ?? lanAddress();
const port = process.env.BABELCAST_PORT ?? "8080";
const args = [join(root, "embedded/src/cli.ts"), "--host", host, "--port", port, "--public-host", publicHost];
if (process.env.BABELCAST_DATA_DIR) args.push("--data-dir", process.env.BABELCAST_DATA_DIR);
// Node runs the server itself (tsx as a loader): the tsx CLI would stand between, relay SIGTERM, and SIGKILL a
// server that did not acknowledge the signal within about 60 ms, as on a loaded machine, ending it ungracefully.
const server = spawn(process.execPath, ["--import", "tsx", ...args], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
let consoleApp;

const stopAll = () => {
  consoleApp?.kill("SIGTERM");
  server.kill("SIGTERM");
};
process.on("SIGINT", stopAll);
process.on("SIGTERM", stopAll);
server.on("exit", (code) => {
  consoleApp?.kill("SIGTERM");
  process.exit(code ?? 0);
});

createInterface({ input: server.stdout }).once("line", async (line) => {
  const ready = JSON.parse(line);
  const { default: QRCode } = await import("qrcode");
  const qr = await QRCode.toString(ready.listenerUrl, { type: "terminal", small: true });
  console.log(`\nBabelcast is running.\n\n  Console:   ${ready.consoleUrl}\n  Listeners: ${ready.listenerUrl}\n`);
  console.log(qr);
  console.log("Press Ctrl-C to stop.\n");
  const electron = electronBinary();
  if (electron && existsSync(join(root, "electron", "dist", "main", "index.cjs"))) {
    consoleApp = spawn(electron, [join(root, "electron"), `--console-url=${ready.consoleUrl}`], { stdio: "inherit" });
  } else {
    openInBrowser(ready.consoleUrl);
  }
});
