import type { AppInfo, ShortcutAction, UpdateStatus } from "./ipcChannels.js";
import type { ConsoleSettings, SettingsPatch } from "./settings.js";

/** What the preload exposes as `window.babelcast`: named functions only, no raw IPC. */
export interface ConsoleBridge {
  readonly kind: "electron";
  getSettings(): Promise<ConsoleSettings>;
  updateSettings(patch: SettingsPatch): Promise<ConsoleSettings>;
  appInfo(): Promise<AppInfo>;
  openExternal(url: string): Promise<void>;
  checkForUpdates(): Promise<UpdateStatus>;
  /** Shows the join QR code full screen on the projector (the second display when there is one). */
  openQrWindow(joinUrl: string, title: string): Promise<void>;
  /** Appends a recorded chunk to `name` (see `recordingFiles.ts`) in the recordings folder; resolves to the file's path. */
  appendRecording(name: string, chunk: Uint8Array): Promise<string>;
  /** Shows a caption screen (`/s/screen.html?…`) full screen on the projector (the second display when there is one). */
  openCaptionScreen(url: string): Promise<void>;
  /** Returns a function that unsubscribes. */
  onShortcut(listener: (action: ShortcutAction) => void): () => void;
  onUpdateStatus(listener: (status: UpdateStatus) => void): () => void;
}
