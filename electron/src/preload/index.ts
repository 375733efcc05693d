import { contextBridge, type IpcRendererEvent, ipcRenderer } from "electron";
import type { ConsoleBridge } from "../shared/consoleBridge.js";
import { type AppInfo, IpcChannel, type ShortcutAction, type UpdateStatus } from "../shared/ipcChannels.js";
import type { ConsoleSettings, SettingsPatch } from "../shared/settings.js";

/** Subscribes to a main → renderer channel; the page never sees the IpcRendererEvent. */
function subscribe<T>(channel: IpcChannel, listener: (value: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const bridge: ConsoleBridge = {
  kind: "electron",
  getSettings: () => ipcRenderer.invoke(IpcChannel.SETTINGS_GET) as Promise<ConsoleSettings>,
  updateSettings: (patch: SettingsPatch) =>
    ipcRenderer.invoke(IpcChannel.SETTINGS_UPDATE, patch) as Promise<ConsoleSettings>,
  appInfo: () => ipcRenderer.invoke(IpcChannel.APP_INFO) as Promise<AppInfo>,
  openExternal: (url: string) => ipcRenderer.invoke(IpcChannel.OPEN_EXTERNAL, url) as Promise<void>,
  checkForUpdates: () => ipcRenderer.invoke(IpcChannel.UPDATES_CHECK) as Promise<UpdateStatus>,
  openQrWindow: (joinUrl: string, title: string) =>
    ipcRenderer.invoke(IpcChannel.QR_WINDOW_OPEN, joinUrl, title) as Promise<void>,
  appendRecording: (name: string, chunk: Uint8Array) =>
    ipcRenderer.invoke(IpcChannel.RECORDING_APPEND, name, chunk) as Promise<string>,
  openCaptionScreen: (url: string) => ipcRenderer.invoke(IpcChannel.CAPTION_SCREEN_OPEN, url) as Promise<void>,
  onShortcut: (listener: (action: ShortcutAction) => void) => subscribe(IpcChannel.SHORTCUT, listener),
  onUpdateStatus: (listener: (status: UpdateStatus) => void) => subscribe(IpcChannel.UPDATE_STATUS, listener),
};

contextBridge.exposeInMainWorld("babelcast", bridge);
