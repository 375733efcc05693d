import { app, BrowserWindow } from "electron";
import { IpcChannel, type UpdateStatus } from "../shared/ipcChannels.js";

export interface Updates {
  check(): Promise<UpdateStatus>;
}

/** First check a while after launch, so it never competes with opening the session. */
const FIRST_CHECK_DELAY_MS = 10_000;

function broadcast(status: UpdateStatus): void {
  for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IpcChannel.UPDATE_STATUS, status);
}

/**
 * Auto-update through electron-updater (the feed electron-builder's `publish` config writes).
 * Only packaged builds update; a development run reports why it does not.
 */
export function setupUpdates(): Updates {
  if (!app.isPackaged || process.env.BABELCAST_DISABLE_UPDATES === "1") {
    const status: UpdateStatus = {
      state: "disabled",
      reason: app.isPackaged ? "updates turned off by BABELCAST_DISABLE_UPDATES" : "development build",
    };
    return { check: async () => status };
  }
  let last: UpdateStatus = { state: "idle" };
  const set = (s: UpdateStatus) => {
    last = s;
    broadcast(s);
  };
  // Loaded lazily: electron-updater reads app metadata at import time.
  const updaterPromise = import("electron-updater").then(({ autoUpdater }) => {
    autoUpdater.autoDownload = true;
    autoUpdater.on("checking-for-update", () => set({ state: "checking" }));
    autoUpdater.on("update-available", (info) => set({ state: "available", version: info.version }));
    autoUpdater.on("update-not-available", () => set({ state: "not-available" }));
    autoUpdater.on("update-downloaded", (info) => set({ state: "downloaded", version: info.version }));
    autoUpdater.on("error", (err) => set({ state: "error", message: String(err?.message ?? err) }));
    return autoUpdater;
  });
  const check = async (): Promise<UpdateStatus> => {
    try {
      const updater = await updaterPromise;
      // Installs on the next quit: never restarts the app in the middle of a talk.
      await updater.checkForUpdatesAndNotify();
    } catch (err) {
      set({ state: "error", message: String((err as Error).message ?? err) });
    }
    return last;
  };
  setTimeout(() => void check(), FIRST_CHECK_DELAY_MS).unref?.();
  return { check };
}
