import { join } from "node:path";
import { BrowserWindow, screen } from "electron";
import { pickProjectorDisplay, qrViewUrl } from "../shared/qrView.js";
import type { ConsoleLocation } from "./consoleUrl.js";
import { isSafeExternalUrl } from "./navigation.js";
import { lockDownNavigation, secureWebPreferences } from "./windows.js";

let qrWindow: BrowserWindow | undefined;

/** Opens (or moves) the QR window full screen on the projector; same security settings as the console. */
export function openQrWindow(location: ConsoleLocation, distDir: string, joinUrl: string, title: string): void {
  if (!isSafeExternalUrl(joinUrl)) throw new Error("the join link must be an http(s) URL");
  const display = pickProjectorDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
  qrWindow?.close();
  const win = new BrowserWindow({
    ...(display ? { x: display.bounds.x + 40, y: display.bounds.y + 40 } : {}),
    width: 900,
    height: 900,
    title: `Join: ${title}`,
    backgroundColor: "#ffffff",
    fullscreen: true,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(join(distDir, "preload", "index.cjs")),
  });
  lockDownNavigation(win, location.origin);
  win.on("closed", () => {
    if (qrWindow === win) qrWindow = undefined;
  });
  qrWindow = win;
  // The QR view needs no token: strip the console URL's fragment and put the code's in.
  void win.loadURL(qrViewUrl(location.url, joinUrl, title));
}
