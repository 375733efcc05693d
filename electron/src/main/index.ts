import { join } from "node:path";
import { app, session } from "electron";
import { registerAppScheme, setupAppProtocol } from "./appProtocol.js";
import { openCaptionScreenWindow } from "./captionScreenWindow.js";
import { APP_ORIGIN, consoleLocationFromArgs } from "./consoleUrl.js";
import { setupIpc } from "./ipc.js";
import { setupMenu } from "./menu.js";
import { setupPermissions } from "./permissions.js";
import { openQrWindow } from "./qrWindow.js";
import { createRecordingWriter } from "./recordings.js";
import { SettingsStore } from "./settingsStore.js";
import { setupUpdates } from "./updates.js";
import { createConsoleWindow } from "./windows.js";

// dist/main/index.cjs → dist/
const distDir = join(__dirname, "..");

function main(): void {
  let location: ReturnType<typeof consoleLocationFromArgs>;
  try {
    location = consoleLocationFromArgs(process.argv);
  } catch (err) {
    console.error(`babelcast: ${(err as Error).message}`);
    app.exit(2);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Tests and side-by-side installs keep their settings apart.
  if (process.env.BABELCAST_USER_DATA) app.setPath("userData", process.env.BABELCAST_USER_DATA);
  registerAppScheme();
  app.enableSandbox();

  app.whenReady().then(() => {
    const settings = new SettingsStore(app.getPath("userData"));
    setupPermissions(session.defaultSession, location.origin);
    if (location.origin === APP_ORIGIN) setupAppProtocol(join(distDir, "renderer"));
    const updates = setupUpdates();
    setupIpc({
      appOrigin: location.origin,
      settings,
      updates,
      // The presenter finds them beside their other recordings: Music/Babelcast recordings.
      recordings: createRecordingWriter(join(app.getPath("music"), "Babelcast recordings")),
      openQrWindow: (joinUrl, title) => openQrWindow(location, distDir, joinUrl, title),
      openCaptionScreen: openCaptionScreenWindow,
    });
    setupMenu(updates);
    let win = createConsoleWindow(location, distDir);
    app.on("second-instance", () => {
      if (win.isMinimized()) win.restore();
      win.focus();
    });
    app.on("activate", () => {
      if (win.isDestroyed()) win = createConsoleWindow(location, distDir);
    });
  });
  app.on("window-all-closed", () => app.quit());
}

main();
