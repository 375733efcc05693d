// `npm test`: installs what is missing, then runs lint, typecheck, the dependency rules, unit/integration tests
// (Vitest) and browser tests (Playwright), and ends with one line counting every test.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dependencyRulesCommand } from "./dependencyRules.mjs";
import { ensureNpmDeps } from "./npmDeps.mjs";
import { ensureSystemPackages } from "./systemDeps.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const reports = join(root, "test-results", "reports");
const bin = (name) => join(root, "node_modules", ".bin", name);

function run(title, cmd, args, env = {}) {
  console.log(`\n=== ${title} ===`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  return res.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
function countCheck(name, ok) {
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(name);
  }
}

try {
  ensureSystemPackages();
  ensureNpmDeps(root);
} catch (err) {
  console.error(`\nnpm test: ${err.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

// Lint and typecheck each count as one check.
countCheck("lint", run("lint (biome)", bin("biome"), ["check", "."]));
countCheck("typecheck", run("typecheck (tsc -b)", bin("tsc"), ["-b"]));
const dependencyRules = dependencyRulesCommand(root);
countCheck("dependency rules", run("dependency rules (dependency-cruiser)", dependencyRules.cmd, dependencyRules.args));
countCheck("build", run("build", "npm", ["run", "build", "--silent"]));

const vitestReport = join(reports, "vitest.json");
const vitestOk = run("unit and integration tests (vitest)", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestReport}`,
]);
const vitest = readJson(vitestReport);
if (vitest) {
  totals.passed += vitest.numPassedTests ?? 0;
  totals.failed += vitest.numFailedTests ?? 0;
  totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  // A suite that fails to load has no tests but fails the run.
  if (!vitestOk && (vitest.numFailedTests ?? 0) === 0) countCheck("vitest suites", false);
} else {
  countCheck("vitest", vitestOk);
}

const playwrightReport = join(reports, "playwright.json");
const playwrightOk = run("browser tests (playwright)", bin("playwright"), ["test", "--reporter=list,json"], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
});
const playwright = readJson(playwrightReport);
if (playwright?.stats) {
  const s = playwright.stats;
  totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  totals.failed += s.unexpected ?? 0;
  totals.skipped += s.skipped ?? 0;
  if (!playwrightOk && (s.unexpected ?? 0) === 0) countCheck("playwright run", false);
} else if (existsSync(join(root, "playwright.config.ts"))) {
  countCheck("playwright", playwrightOk);
}

if (failures.length > 0) console.log(`\nfailed checks: ${failures.join(", ")}`);
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 || !vitestOk || !playwrightOk ? 1 : 0);
