import { app, BrowserWindow, Menu, type MenuItemConstructorOptions } from "electron";
import { IpcChannel, type ShortcutAction } from "../shared/ipcChannels.js";
import type { Updates } from "./updates.js";

function send(action: ShortcutAction): void {
  for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IpcChannel.SHORTCUT, action);
}

/** The app menu: session actions with accelerators (the page binds plain M and P itself). */
export function setupMenu(updates: Updates): void {
  const session: MenuItemConstructorOptions = {
    label: "Session",
    submenu: [
      { label: "Mute / unmute", accelerator: "CmdOrCtrl+Shift+M", click: () => send("toggle-mute") },
      { label: "Pause / resume", accelerator: "CmdOrCtrl+Shift+P", click: () => send("toggle-pause") },
      { type: "separator" },
      { label: "Show QR code", accelerator: "CmdOrCtrl+Shift+Q", click: () => send("show-qr") },
      { label: "Diagnostics", accelerator: "CmdOrCtrl+Shift+D", click: () => send("toggle-diagnostics") },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: "View",
    submenu: [
      { role: "reload" },
      ...(app.isPackaged ? [] : ([{ role: "toggleDevTools" }] as MenuItemConstructorOptions[])),
      { type: "separator" },
      { role: "resetZoom" },
      { role: "zoomIn" },
      { role: "zoomOut" },
      { type: "separator" },
      { role: "togglefullscreen" },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: "Help",
    submenu: [{ label: "Check for updates…", click: () => void updates.check() }],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === "darwin" ? [{ role: "appMenu" } as MenuItemConstructorOptions] : []),
    { role: "fileMenu" },
    { role: "editMenu" },
    session,
    view,
    { role: "windowMenu" },
    help,
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
