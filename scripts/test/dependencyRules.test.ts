// The dependency rules in .dependency-cruiser.cjs, run exactly as `npm test` runs them (the same depcruise
// command line), on small trees written for each run: a clean house, and one that breaks each rule once.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dependencyRulesCommand } from "../dependencyRules.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

type Tree = Record<string, string>;

/** Every layer, importing only what it may, with type-only imports among them. */
const cleanHouse: Tree = {
  "protocol/src/index.ts": 'export interface Caption { text: string }\nexport const ROUTES = ["/sessions"];\n',
  "backend/src/handler.ts":
    'import { ROUTES } from "../../protocol/src/index.js";\nexport const handle = () => ROUTES.length;\n',
  "embedded/src/server.ts":
    'import { handle } from "../../backend/src/handler.js";\nimport type { Caption } from "../../protocol/src/index.js";\n' +
    "export const serve = (caption: Caption) => handle() + caption.text.length;\n",
  "infra/lib/stack.ts":
    'import { handle } from "../../backend/src/handler.js";\nimport { ROUTES } from "../../protocol/src/index.js";\n' +
    "export const stack = [handle, ROUTES];\n",
  "electron/src/shared/bridge.ts": "export interface ConsoleBridge { version(): string }\n",
  "electron/src/main/index.ts":
    'import type { ConsoleBridge } from "../shared/bridge.js";\nexport const bridge: ConsoleBridge = { version: () => "1" };\n',
  "electron/src/preload/index.ts":
    'import type { ConsoleBridge } from "../shared/bridge.js";\nexport const exposed: ConsoleBridge | undefined = undefined;\n',
  "electron/src/renderer/main.ts":
    'import type { Caption } from "../../../protocol/src/index.js";\nimport type { ConsoleBridge } from "../shared/bridge.js";\n' +
    "export const show = (bridge: ConsoleBridge, caption: Caption) => bridge.version() + caption.text;\n",
  "electron/test/renderer/main.test.ts":
    'import { show } from "../../src/renderer/main.js";\nexport const tested = show;\n',
  "listener-web/src/main.ts":
    'import type { Caption } from "../../protocol/src/index.js";\nexport const render = (caption: Caption) => caption.text;\n',
  "relay/src/relay.ts":
    'import type { Caption } from "../../protocol/src/index.js";\nexport const relay = (caption: Caption) => caption.text;\n',
  "relay/test/support/relayProcess.ts": 'export const relayCli = "relay/src/cli.ts";\n',
  "relay/test/relay.test.ts":
    'import { serve } from "../../embedded/src/server.js";\nimport { relay } from "../src/relay.js";\n' +
    "export const tested = [serve, relay];\n",
  "e2e/tests/relay.spec.ts":
    'import { relayCli } from "../../relay/test/support/relayProcess.js";\nexport const started = relayCli;\n',
  "e2e/tests/talk.spec.ts":
    'import { serve } from "../../embedded/src/server.js";\nimport { show } from "../../electron/src/renderer/main.js";\n' +
    "export const talk = [serve, show];\n",
};

interface Breach {
  behaviour: string;
  rule: string;
  file: string;
  source: string;
}

/** One file per breach, added to the clean house; each must be reported under its rule. */
const breaches: Breach[] = [
  {
    behaviour: "protocol importing the backend",
    rule: "protocol-imports-nothing-of-ours",
    file: "protocol/src/leak.ts",
    source: 'export { handle } from "../../backend/src/handler.js";\n',
  },
  {
    behaviour: "the backend importing a type from the embedded server",
    rule: "backend-never-imports-embedded",
    file: "backend/src/localLogger.ts",
    source: 'import type { serve } from "../../embedded/src/server.js";\nexport type Serve = typeof serve;\n',
  },
  {
    behaviour: "the backend naming the embedded package",
    rule: "backend-never-imports-embedded",
    file: "backend/src/byName.ts",
    source: 'export { serve } from "@babelcast/embedded/server.js";\n',
  },
  {
    behaviour: "infra importing the embedded server",
    rule: "infra-never-imports-embedded",
    file: "infra/lib/pagePolicy.ts",
    source: 'export { serve } from "../../embedded/src/server.js";\n',
  },
  {
    behaviour: "infra importing the console",
    rule: "infra-depends-on-backend-and-protocol-only",
    file: "infra/lib/consoleVersion.ts",
    source: 'export type { ConsoleBridge } from "../../electron/src/shared/bridge.js";\n',
  },
  {
    behaviour: "the console importing the backend",
    rule: "console-depends-on-protocol-only",
    file: "electron/src/renderer/routes.ts",
    source: 'export { handle } from "../../../backend/src/handler.js";\n',
  },
  {
    behaviour: "the listener page importing the console",
    rule: "listener-web-depends-on-protocol-only",
    file: "listener-web/scripts/bridge.ts",
    source: 'export type { ConsoleBridge } from "../../electron/src/shared/bridge.js";\n',
  },
  {
    behaviour: "the listener page importing a Node module",
    rule: "listener-page-imports-only-protocol-and-its-own-code",
    file: "listener-web/src/files.ts",
    source: 'export { readFileSync } from "node:fs";\n',
  },
  {
    behaviour: "the renderer importing a type from the preload",
    rule: "console-runtimes-meet-only-in-shared",
    file: "electron/src/renderer/settingsSource.ts",
    source: 'import type { exposed } from "../preload/index.js";\nexport type Exposed = typeof exposed;\n',
  },
  {
    behaviour: "the main process importing the renderer",
    rule: "console-runtimes-meet-only-in-shared",
    file: "electron/src/main/rendererLeak.ts",
    source: 'export { show } from "../renderer/main.js";\n',
  },
  {
    behaviour: "electron/src/shared importing main",
    rule: "console-shared-stays-runtime-free",
    file: "electron/src/shared/mainLeak.ts",
    source: 'export { bridge } from "../main/index.js";\n',
  },
  {
    behaviour: "the relay importing the backend",
    rule: "relay-depends-on-protocol-only",
    file: "relay/src/presign.ts",
    source: 'export { handle } from "../../backend/src/handler.js";\n',
  },
  {
    behaviour: "a relay test importing the console",
    rule: "relay-tests-use-protocol-and-the-embedded-server-only",
    file: "relay/test/consoleLeak.test.ts",
    source: 'export type { ConsoleBridge } from "../../electron/src/shared/bridge.js";\n',
  },
  {
    behaviour: "the embedded server importing relay code",
    rule: "nothing-imports-the-relay",
    file: "embedded/src/relayLeak.ts",
    source: 'export { relay } from "../../relay/src/relay.js";\n',
  },
  {
    behaviour: "an import loop",
    rule: "no-circular",
    file: "backend/src/loopA.ts",
    source: 'import { b } from "./loopB.js";\nexport const a = () => b;\n',
  },
];
const loopPartner: Tree = { "backend/src/loopB.ts": 'import { a } from "./loopA.js";\nexport const b = () => a;\n' };

const trees: string[] = [];
function writeTree(files: Tree): string {
  const dir = mkdtempSync(join(tmpdir(), "dependency-rules-"));
  trees.push(dir);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  return dir;
}

interface Cruise {
  exitCode: number | null;
  output: string;
  /** Each reported violation: the rule and the importing file (a loop is reported from each file in it). */
  violations: { rule: string; from: string }[];
}

function cruise(dir: string): Cruise {
  const { cmd, args } = dependencyRulesCommand(root);
  const res = spawnSync(cmd, args, { cwd: dir, encoding: "utf8" });
  const output = res.stdout + res.stderr;
  const violations = [...output.matchAll(/^\s*error (\S+): (\S+) →/gm)].map(([, rule, from]) => ({
    rule: rule!,
    from: from!,
  }));
  return { exitCode: res.status, output, violations };
}

afterAll(() => {
  for (const dir of trees) rmSync(dir, { recursive: true, force: true });
});

describe("dependency rules", () => {
  describe("pass a house whose layers import only what they may, type-only imports included", () => {
    let clean: Cruise;
    beforeAll(() => {
      clean = cruise(writeTree(cleanHouse));
    });

    it("having read every file", () => {
      expect(clean.output).toContain(`no dependency violations found (${Object.keys(cleanHouse).length} modules`);
      expect(clean.exitCode).toBe(0);
    });
  });

  describe("fail a house that breaks them", () => {
    let broken: Cruise;
    beforeAll(() => {
      const files: Tree = { ...cleanHouse, ...loopPartner };
      for (const breach of breaches) files[breach.file] = breach.source;
      broken = cruise(writeTree(files));
    });

    it("with a failing exit code", () => {
      expect(broken.exitCode).not.toBe(0);
    });

    it.each(breaches)("by $behaviour ($rule)", ({ rule, file }) => {
      const found = broken.violations.filter((v) => v.from === file).map((v) => v.rule);
      expect(found).toEqual([rule]);
    });

    it("and only where a file breaks a rule", () => {
      const breaking = new Set([...breaches.map((b) => b.file), ...Object.keys(loopPartner)]);
      expect(broken.violations.length).toBeGreaterThanOrEqual(breaches.length);
      const elsewhere = broken.violations.filter((v) => !breaking.has(v.from));
      expect(elsewhere).toEqual([]);
    });
  });
});

describe("workspace manifests", () => {
  // Imports are one half of a dependency; the manifest is the other: a package that lists another
  // can be bundled with it. Allowed @babelcast packages per workspace (e2e tests the whole system).
  const allowed: Record<string, string[]> = {
    protocol: [],
    backend: ["protocol"],
    embedded: ["backend", "protocol"],
    infra: ["backend", "protocol"],
    electron: ["protocol"],
    "listener-web": ["protocol"],
    // The relay's own code takes protocol only; its tests run against the embedded server.
    relay: ["protocol", "backend", "embedded"],
  };

  it.each(Object.entries(allowed))("%s lists only the workspaces it may depend on", (name, mayList) => {
    const manifest = JSON.parse(readFileSync(join(root, name, "package.json"), "utf8"));
    const listed = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]
      .flatMap((field) => Object.keys(manifest[field] ?? {}))
      .filter((dep) => dep.startsWith("@babelcast/"))
      .map((dep) => dep.slice("@babelcast/".length));
    expect(listed.filter((dep) => !mayList.includes(dep))).toEqual([]);
  });
});
