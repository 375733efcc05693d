import { createRequire } from "node:module";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

let cached: Promise<string> | undefined;

/**
 * The KVS WebRTC SDK (`amazon-kinesis-video-streams-webrtc`) bundled for a test page, as the
 * listener page bundles it: `events` from npm, PACKAGE_VERSION defined, the WebCrypto
 * polyfill replaced by the browser's own `crypto`, and `ws` by nothing (browsers have
 * WebSocket). Exposes `window.KVSWebRTC`.
 */
export function kvsSignalingBundle(): Promise<string> {
  cached ??= (async () => {
    const entry = require.resolve("amazon-kinesis-video-streams-webrtc");
    const version = (require("amazon-kinesis-video-streams-webrtc/package.json") as { version: string }).version;
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "iife",
      globalName: "KVSWebRTC",
      platform: "browser",
      target: "es2020",
      minify: true,
      define: { "process.env.PACKAGE_VERSION": JSON.stringify(version) },
      plugins: [
        {
          name: "kvs-browser-shims",
          setup(b) {
            b.onResolve({ filter: /^(isomorphic-webcrypto|ws)$/ }, (args) => ({ path: args.path, namespace: "shim" }));
            b.onLoad({ filter: /.*/, namespace: "shim" }, (args) => ({
              contents:
                args.path === "ws" ? "module.exports = globalThis.WebSocket;" : "module.exports = globalThis.crypto;",
              loader: "js",
            }));
          },
        },
      ],
    });
    const file = out.outputFiles[0];
    if (!file) throw new Error("esbuild produced no bundle for the KVS SDK");
    return file.text;
  })();
  return cached;
}
