import { BrowserWindow, screen } from "electron";
import { pickProjectorDisplay } from "../shared/qrView.js";
import { isCaptionScreenUrl } from "./captionScreenUrl.js";
import { lockDownNavigation, secureWebPreferences } from "./windows.js";

let screenWindow: BrowserWindow | undefined;

/**
 * Opens (or replaces) the caption screen full screen on the projector. The page is the listener
 * site's, so the window gets no preload (it needs no bridge) and may not navigate off its origin.
 */
export function openCaptionScreenWindow(url: string): void {
  if (!isCaptionScreenUrl(url)) throw new Error("the caption screen link must be the listener site's /s/screen.html");
  const display = pickProjectorDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
  screenWindow?.close();
  const { preload: _none, ...webPreferences } = secureWebPreferences("");
  const win = new BrowserWindow({
    ...(display ? { x: display.bounds.x + 40, y: display.bounds.y + 40 } : {}),
    width: 1280,
    height: 720,
    title: "Babelcast captions",
    backgroundColor: "#000000",
    fullscreen: true,
    autoHideMenuBar: true,
    webPreferences,
  });
  lockDownNavigation(win, new URL(url).origin);
  win.on("closed", () => {
    if (screenWindow === win) screenWindow = undefined;
  });
  screenWindow = win;
  void win.loadURL(url);
}
