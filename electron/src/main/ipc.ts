import { app, BrowserWindow, type IpcMainInvokeEvent, ipcMain, shell } from "electron";
import { type AppInfo, IpcChannel } from "../shared/ipcChannels.js";
import { originOf } from "./consoleUrl.js";
import { isSafeExternalUrl } from "./navigation.js";
import type { RecordingWriter } from "./recordings.js";
import type { SettingsStore } from "./settingsStore.js";
import type { Updates } from "./updates.js";

/**
 * Accepts IPC only from windows this app created, and only from their top frame showing
 * our own origin: not from web views, sub-frames, or a page that navigated elsewhere.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, appOrigin: string): boolean {
  if (!BrowserWindow.fromWebContents(event.sender)) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return originOf(frame.url) === appOrigin;
}

type Handler = (...args: unknown[]) => unknown;

export interface IpcDeps {
  readonly appOrigin: string;
  readonly settings: SettingsStore;
  readonly updates: Updates;
  readonly recordings: RecordingWriter;
  openQrWindow(joinUrl: string, title: string): void;
  openCaptionScreen(url: string): void;
}

export function setupIpc(deps: IpcDeps): void {
  const handle = (channel: IpcChannel, handler: Handler) => {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, deps.appOrigin)) throw new Error(`IPC ${channel} refused: unknown sender`);
      return handler(...args);
    });
  };

  handle(IpcChannel.SETTINGS_GET, () => deps.settings.get());
  handle(IpcChannel.SETTINGS_UPDATE, (patch) => deps.settings.update(patch));
  handle(
    IpcChannel.APP_INFO,
    (): AppInfo => ({
      version: app.getVersion(),
      electron: process.versions.electron ?? "",
      platform: process.platform,
      packaged: app.isPackaged,
    }),
  );
  handle(IpcChannel.OPEN_EXTERNAL, async (url) => {
    if (typeof url !== "string" || !isSafeExternalUrl(url)) throw new Error("only http(s) links can be opened");
    await shell.openExternal(url);
  });
  handle(IpcChannel.UPDATES_CHECK, () => deps.updates.check());
  handle(IpcChannel.QR_WINDOW_OPEN, (joinUrl, title) => {
    if (typeof joinUrl !== "string" || typeof title !== "string")
      throw new Error("openQrWindow(joinUrl, title) takes two strings");
    deps.openQrWindow(joinUrl, title.slice(0, 200));
  });
  handle(IpcChannel.RECORDING_APPEND, (name, chunk) => deps.recordings.append(name, chunk));
  handle(IpcChannel.CAPTION_SCREEN_OPEN, (url) => {
    if (typeof url !== "string") throw new Error("openCaptionScreen(url) takes a string");
    deps.openCaptionScreen(url);
  });
}
