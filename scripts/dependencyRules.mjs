// The dependency-rules check that `npm test` counts: depcruise with the rules in .dependency-cruiser.cjs
// over every workspace, printing only violations and exiting with their number.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The depcruise command line, run from `cwd` (the repo root, or a test's fixture tree). */
export function dependencyRulesCommand(root) {
  const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
  return {
    cmd: join(root, "node_modules", ".bin", "depcruise"),
    args: ["--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "err", ...workspaces],
  };
}
