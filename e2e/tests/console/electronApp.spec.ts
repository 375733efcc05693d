import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ElectronApplication, _electron as electron, expect, test } from "@playwright/test";
import { ensureConsoleBuilt } from "../../support/consoleBuild.js";
import { electronBinary } from "../../support/electronBinary.js";
import { type ServedEmbedded, serveEmbedded } from "../../support/embeddedServer.js";

const binary = electronBinary();
const electronDir = join(import.meta.dirname, "..", "..", "..", "electron");

test.describe("the Electron app", () => {
  test.skip("missing" in binary, `Electron tests skipped: ${"missing" in binary ? binary.missing : ""}`);

  let server: ServedEmbedded;
  let app: ElectronApplication;
  test.beforeAll(async () => {
    ensureConsoleBuilt();
    server = await serveEmbedded();
    app = await electron.launch({
      executablePath: "path" in binary ? binary.path : undefined,
      // The unpackaged build: Playwright needs the inspect fuse, which release builds turn off.
      args: [
        electronDir,
        `--console-url=${server.ready.consoleUrl}`,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
      ],
      env: {
        ...process.env,
        BABELCAST_DISABLE_UPDATES: "1",
        BABELCAST_USER_DATA: mkdtempSync(join(tmpdir(), "babelcast-electron-user-")),
      },
    });
  });
  test.afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  test("opens the console without Node in the page and exposes only named functions", async () => {
    const win = await app.firstWindow();
    await expect(win.getByTestId("console")).toHaveAttribute("data-phase", "setup", { timeout: 30_000 });
    const page = await win.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((window as unknown as { babelcast?: object }).babelcast ?? {}).sort(),
    }));
    expect(page.require).toBe("undefined");
    expect(page.process).toBe("undefined");
    expect(page.bridge).toEqual([
      "appInfo",
      "checkForUpdates",
      "getSettings",
      "kind",
      "onShortcut",
      "onUpdateStatus",
      "openExternal",
      "updateSettings",
    ]);
  });

  test("denies navigation away from the console and new windows", async () => {
    const win = await app.firstWindow();
    const before = win.url();
    await win.evaluate(() => {
      location.href = "https://example.com/";
    });
    await win.waitForTimeout(500);
    expect(new URL(win.url()).origin).toBe(new URL(before).origin);
    const opened = await win.evaluate(() => window.open("https://example.com/") === null);
    expect(opened).toBe(true);
  });

  test("persists settings through the main process", async () => {
    const win = await app.firstWindow();
    const saved = await win.evaluate(async () => {
      const bridge = (
        window as unknown as { babelcast: { updateSettings(p: object): Promise<{ audio: { gainDb: number } }> } }
      ).babelcast;
      return (await bridge.updateSettings({ audio: { gainDb: 7 } })).audio.gainDb;
    });
    expect(saved).toBe(7);
    const refused = await win.evaluate(async () => {
      const bridge = (window as unknown as { babelcast: { updateSettings(p: object): Promise<unknown> } }).babelcast;
      return bridge.updateSettings({ audio: { gainDb: 99 } }).then(
        () => "accepted",
        () => "refused",
      );
    });
    expect(refused).toBe("refused");
  });
});
