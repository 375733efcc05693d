import { join } from "node:path";
import type { SignalingGrant } from "@babelcast/protocol";
import type { Browser, Page } from "@playwright/test";
import { build } from "esbuild";
import type { MasterStats } from "./listenerMasterClient.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const shims = join(repoRoot, "listener-web", "src", "shims");
let bundled: Promise<string> | undefined;

/** The master client as one script, with the SDK aliased the way the listener page has it. */
function masterScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(import.meta.dirname, "listenerMasterClient.ts")],
    bundle: true,
    write: false,
    format: "iife",
    target: "es2022",
    define: { "process.env.PACKAGE_VERSION": '"test"' },
    // The master connects with presigned URLs: the SDK's signer, and the crypto polyfill behind it, never run.
    alias: { "isomorphic-webcrypto": join(shims, "empty.ts"), ws: join(shims, "empty.ts") },
    logLevel: "error",
  }).then((r) => r.outputFiles[0]!.text);
  return bundled;
}

/** A test-only presenter: KVS master on every channel of a session, answering viewers with a tone. */
export interface TestMaster {
  readonly page: Page;
  stats(): Promise<MasterStats>;
  retune(frequency: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the master in its own page of `browser` (a page on the server's origin: a secure
 * context on loopback) and connects it as MASTER with the owner's grants.
 */
export async function startTestMaster(
  browser: Browser,
  serverUrl: string,
  grants: SignalingGrant[],
  frequency = 440,
): Promise<TestMaster> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${serverUrl}/healthz`);
  await page.addScriptTag({ content: await masterScript() });
  await page.evaluate(([g, f]) => window.babelcastMaster.start(g, f), [grants, frequency] as const);
  return {
    page,
    stats: () => page.evaluate(() => window.babelcastMaster.stats),
    retune: (f) => page.evaluate((freq) => window.babelcastMaster.retune(freq), f),
    close: async () => {
      await page.evaluate(() => window.babelcastMaster.stop()).catch(() => {});
      await context.close();
    },
  };
}

/**
 * Energy of the audio the listener page receives: RMS of its <audio> element's stream
 * through an AnalyserNode, over `ms` milliseconds, 0 when nothing is there.
 */
export function receivedEnergy(page: Page, ms = 300): Promise<number> {
  return page.evaluate(async (duration) => {
    const audio = document.querySelector("audio");
    const stream = audio?.srcObject;
    if (!(stream instanceof MediaStream) || stream.getAudioTracks().length === 0) return 0;
    const ctx = new AudioContext();
    await ctx.resume();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let peak = 0;
    const end = performance.now() + duration;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      peak = Math.max(peak, Math.sqrt(sum / buf.length));
    }
    await ctx.close();
    return peak;
  }, ms);
}
