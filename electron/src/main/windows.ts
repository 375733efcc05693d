import { join } from "node:path";
import { BrowserWindow, shell } from "electron";
import type { ConsoleLocation } from "./consoleUrl.js";
import { isAllowedNavigation, isSafeExternalUrl } from "./navigation.js";

/** Same security settings for every window the app opens (checklist items 2-4, 6, 9). */
export function secureWebPreferences(preloadPath: string): Electron.WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    // Audio keeps flowing to listeners while the window is hidden behind the slides.
    backgroundThrottling: false,
  };
}

/** Denies navigation away from our origin and every new window; http(s) links go to the system browser. */
export function lockDownNavigation(win: BrowserWindow, appOrigin: string): void {
  const contents = win.webContents;
  contents.on("will-navigate", (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault();
  });
  contents.on("will-redirect", (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault();
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url) && !isAllowedNavigation(url, appOrigin)) void shell.openExternal(url);
    return { action: "deny" };
  });
}

export function createConsoleWindow(location: ConsoleLocation, distDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: "Babelcast console",
    backgroundColor: "#111418",
    show: false,
    webPreferences: secureWebPreferences(join(distDir, "preload", "index.cjs")),
  });
  lockDownNavigation(win, location.origin);
  win.once("ready-to-show", () => win.show());
  void win.loadURL(location.url);
  return win;
}
