// Dependency rules of the house, checked by `npm test` (scripts/test.mjs runs depcruise on every
// workspace). Layers point one way: protocol (contracts) ← backend (Lambda code) ← embedded (AWS on
// one machine); infra takes backend and protocol; the two apps take protocol only.
// Paths are relative to the folder depcruise runs in (the repo root, or a test's fixture tree).

/** A workspace folder, or its package name when an import could not be resolved to the folder. */
function workspace(...names) {
  const list = names.join("|");
  return `^(${list})/|^@babelcast/(${list})(/|$)`;
}

const ALL = ["protocol", "backend", "embedded", "infra", "electron", "listener-web", "relay", "e2e"];
const allBut = (...kept) => ALL.filter((name) => !kept.includes(name));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import loop makes two modules one; layers only mean something without loops.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "protocol-imports-nothing-of-ours",
      comment: "protocol holds the contracts every other package shares, so it depends on none of them.",
      severity: "error",
      from: { path: "^protocol/" },
      to: { path: workspace(...allBut("protocol")) },
    },
    {
      name: "backend-never-imports-embedded",
      comment: "Lambda code must not know it can run locally; the embedded server hosts it, not the reverse.",
      severity: "error",
      from: { path: "^backend/" },
      to: { path: workspace("embedded") },
    },
    {
      name: "backend-depends-on-protocol-only",
      comment: "The Lambda package builds on the contracts alone, never on the apps, the stack or the tests.",
      severity: "error",
      from: { path: "^backend/" },
      to: { path: workspace("infra", "electron", "listener-web", "e2e") },
    },
    {
      name: "embedded-depends-on-backend-and-protocol-only",
      comment: "The embedded server hosts the backend's handlers; the apps reach it over HTTP, not by import.",
      severity: "error",
      from: { path: "^embedded/" },
      to: { path: workspace("infra", "electron", "listener-web", "e2e") },
    },
    {
      name: "infra-never-imports-embedded",
      comment: "The cloud stack must not reach into the emulator; shared values live in protocol or backend.",
      severity: "error",
      from: { path: "^infra/" },
      to: { path: workspace("embedded") },
    },
    {
      name: "infra-depends-on-backend-and-protocol-only",
      comment: "The stack deploys the backend's handlers and publishes protocol's contracts; nothing else.",
      severity: "error",
      from: { path: "^infra/" },
      to: { path: workspace("electron", "listener-web", "e2e") },
    },
    {
      name: "console-depends-on-protocol-only",
      comment: "The console talks to the backend over the wire; it shares only the contracts.",
      severity: "error",
      from: { path: "^electron/" },
      to: { path: workspace(...allBut("electron", "protocol")) },
    },
    {
      name: "listener-web-depends-on-protocol-only",
      comment: "The listener page talks to the backend over the wire; it shares only the contracts.",
      severity: "error",
      from: { path: "^listener-web/" },
      to: { path: workspace(...allBut("listener-web", "protocol")) },
    },
    {
      name: "relay-depends-on-protocol-only",
      comment:
        "A relay is a process of its own (a child of the embedded server, a container in the cloud): its code " +
        "shares only the contracts. Its integration tests may start the embedded server to relay against.",
      severity: "error",
      from: { path: "^relay/src/" },
      to: { path: workspace(...allBut("relay", "protocol")) },
    },
    {
      name: "relay-tests-use-protocol-and-the-embedded-server-only",
      comment: "Relay tests run against the real embedded server; never against the apps or the stack.",
      severity: "error",
      from: { path: "^relay/test/" },
      to: { path: workspace("infra", "electron", "listener-web", "e2e") },
    },
    {
      name: "nothing-imports-the-relay",
      comment:
        "The embedded server starts relays as child processes by path; no package links relay code in. " +
        "End-to-end tests may use the relay's test helpers (they start the relay by path too).",
      severity: "error",
      from: { pathNot: "^relay/" },
      to: { path: workspace("relay"), pathNot: "^relay/test/support/" },
    },
    {
      name: "listener-page-imports-only-protocol-and-its-own-code",
      comment: "Every byte of the page is paid by each phone: its own src, protocol and its declared packages.",
      severity: "error",
      from: { path: "^listener-web/src/" },
      to: { pathNot: "^(listener-web/src|protocol/src|node_modules)/" },
    },
    {
      name: "console-runtimes-meet-only-in-shared",
      comment:
        "Main, preload and renderer run in separate processes and sandboxes; they share code only through " +
        "electron/src/shared (the preload bridges them at run time). Tests follow the runtime they test.",
      severity: "error",
      from: { path: "^electron/(src|test)/(main|preload|renderer)/" },
      to: { path: "^electron/(src|test)/(main|preload|renderer)/", pathNot: "^electron/(src|test)/$2/" },
    },
    {
      name: "console-shared-stays-runtime-free",
      comment: "electron/src/shared is loaded by every runtime, so it imports none of them.",
      severity: "error",
      from: { path: "^electron/(src|test)/shared/" },
      to: { path: "^electron/(src|test)/(main|preload|renderer)/" },
    },
  ],
  options: {
    // Type-only imports are dependencies too: a renderer that imports a type from main is coupled to it.
    tsPreCompilationDeps: true,
    // Resolve packages through their `exports` maps, as TypeScript and esbuild do (e.g. `@babelcast/protocol/backoff`).
    enhancedResolveOptions: { exportsFields: ["exports"] },
    doNotFollow: { path: "(^|/)node_modules/" },
    exclude: { path: "(^|/)(node_modules|dist|cdk\\.out|test-results)/|(^|/)\\.[^/]+/" },
  },
};
