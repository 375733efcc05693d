import { join } from "node:path";
import type { SignalingGrant } from "@babelcast/protocol";
import type { Browser, Page } from "@playwright/test";
import { build } from "esbuild";
import type { RelayInfo } from "../../electron/src/renderer/media/mediaHub.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const shims = join(repoRoot, "listener-web", "src", "shims");
let bundled: Promise<string> | undefined;

/** The console's media hub as one page script, with the SDK aliased the way the listener page has it. */
function consoleScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(import.meta.dirname, "relayConsoleClient.ts")],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    define: { "process.env.PACKAGE_VERSION": '"test"' },
    // The hub connects with presigned URLs: the SDK's signer, and the crypto polyfill behind it, never run.
    alias: { "isomorphic-webcrypto": join(shims, "empty.ts"), ws: join(shims, "empty.ts") },
    logLevel: "error",
  }).then((r) => r.outputFiles[0]?.text ?? "");
  return bundled;
}

export interface RelayConsole {
  readonly page: Page;
  relays(): Promise<RelayInfo[]>;
  /** RTP packets sent so far per language (the most any one relay peer was sent), and when (epoch ms). */
  sentPackets(): Promise<{ at: number; packets: Record<string, number> }>;
  close(): Promise<void>;
}

/** Opens the console's media hub in a page on the server's origin (a secure context on loopback), master of `grant`'s channel. */
export async function startRelayConsole(
  browser: Browser,
  serverUrl: string,
  grant: SignalingGrant,
  tones: Record<string, number>,
  /** `micLanguage` sends the browser's (fake) microphone for that language; `pageScript` runs first (a tap on getUserMedia). */
  options: { micLanguage?: string; pageScript?: string } = {},
): Promise<RelayConsole> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${serverUrl}/healthz`);
  if (options.pageScript) await page.evaluate(options.pageScript);
  await page.addScriptTag({ content: await consoleScript() });
  await page.evaluate(([g, t, mic]) => window.relayConsole.start(g, t, mic), [
    grant,
    tones,
    options.micLanguage,
  ] as const);
  return {
    page,
    relays: () => page.evaluate(() => window.relayConsole.relays()),
    sentPackets: () => page.evaluate(() => window.relayConsole.sentPackets()),
    close: async () => {
      await page.evaluate(() => window.relayConsole.stop()).catch(() => {});
      await context.close();
    },
  };
}
