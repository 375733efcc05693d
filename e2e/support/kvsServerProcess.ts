// The embedded server with only its KVS emulator, for the signaling benchmark: run with
// `node --expose-gc --import tsx`, it prints one ready line `{"url", "dataDir"}` and, for
// each "memory" line on stdin, one line of memory figures taken after a full GC.
import { createInterface } from "node:readline";
import { startEmbeddedServer } from "@babelcast/embedded/embeddedServer.js";
import { createKvsService } from "@babelcast/embedded/kvs/kvsService.js";

const [dataDir = "", settingsJson = "{}"] = process.argv.slice(2);
const server = await startEmbeddedServer({
  host: "127.0.0.1",
  port: 0,
  dataDir,
  settings: { kinesisvideo: JSON.parse(settingsJson) as unknown },
  services: [createKvsService],
});
const gc = (globalThis as { gc?: () => void }).gc;
process.stdout.write(`${JSON.stringify({ url: server.url, dataDir })}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "memory") return;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, gc: Boolean(gc) })}\n`,
  );
});
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
