// `npm run bench [-- NAME ...]`: installs what is missing, builds, then runs every benchmark
// (or the named ones) and writes bench/results.json, bench/report.md and SVG plots from that
// run alone (e2e/bench/run.ts: earlier results are replaced, a metric not measured says why).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureNpmDeps } from "./npmDeps.mjs";
import { ensureSystemPackages } from "./systemDeps.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
ensureSystemPackages();
ensureNpmDeps(root);
const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
if (built.status !== 0) process.exit(1);
const res = spawnSync(
  join(root, "node_modules", ".bin", "tsx"),
  [join(root, "e2e/bench/run.ts"), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
  },
);
process.exit(res.status ?? 1);
