import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { RecognizedSegment } from "@babelcast/protocol";
import { build } from "esbuild";

const repoRoot = join(import.meta.dirname, "..", "..");

/** What the recognition test page (electron/test/renderer/recognition/page) records, as the tests read it. */
export interface RecognitionPageRecord {
  started: boolean;
  error?: string;
  deviceRate?: number;
  /** Wall-clock ms at which session audio time 0 was captured. */
  audioClockOffsetMs: number;
  segments: { segment: RecognizedSegment; committedAtMs: number }[];
  captions: string[];
  results: {
    resultId: string;
    isPartial: boolean;
    atMs: number;
    items: { type: string; content: string; start: number; end: number; stable?: boolean }[];
  }[];
  events: { kind: string; streamId: number; atMs: number }[];
  audioSeconds(): number;
  renew(): void;
  stop(): Promise<void>;
}

declare global {
  interface Window {
    recognition: RecognitionPageRecord;
  }
}

export interface RecognitionPageServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Bundles the recognition test page (the console's recognition module, browser build of the
 * Transcribe client) and serves it on http://127.0.0.1, a secure context for getUserMedia
 * from which `ws:` to the embedded server is allowed.
 */
export async function serveRecognitionPage(): Promise<RecognitionPageServer> {
  const bundle = await build({
    entryPoints: [join(repoRoot, "electron", "test", "renderer", "recognition", "page", "recognitionTestPage.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const html =
    '<!doctype html><meta charset="utf-8"><title>recognition</title><script type="module" src="/page.js"></script>';
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith("/page.js")) {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(js);
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The owner token in the console link the server prints (`…/console/#token=…`). */
export function ownerTokenOf(consoleUrl: string): string {
  return decodeURIComponent(new URL(consoleUrl).hash.replace(/^#token=/, ""));
}
