/**
 * Every IPC channel between main and preload, in one place. Main registers handlers for
 * the `invoke` channels and sends the `event` channels; the preload maps each to a named
 * function and never hands `ipcRenderer` to the page.
 */
export enum IpcChannel {
  SETTINGS_GET = "settings:get",
  SETTINGS_UPDATE = "settings:update",
  APP_INFO = "app:info",
  OPEN_EXTERNAL = "app:open-external",
  UPDATES_CHECK = "updates:check",
  /** Opens the join QR code full screen in its own window, on the projector when one is attached. */
  QR_WINDOW_OPEN = "qr:open-window",
  /** Appends a chunk of a language track's recording to its file in the recordings folder. */
  RECORDING_APPEND = "recording:append",
  /** Opens a caption screen full screen in its own window, on the projector when one is attached. */
  CAPTION_SCREEN_OPEN = "caption-screen:open",
  /** main → renderer: a menu item or global accelerator asked for a console action. */
  SHORTCUT = "console:shortcut",
  /** main → renderer: update state changed. */
  UPDATE_STATUS = "updates:status",
}

/** Console actions the menu can trigger (the renderer also binds M and P itself). */
export type ShortcutAction = "toggle-mute" | "toggle-pause" | "show-qr" | "toggle-diagnostics";

export const SHORTCUT_ACTIONS: readonly ShortcutAction[] = [
  "toggle-mute",
  "toggle-pause",
  "show-qr",
  "toggle-diagnostics",
];

export interface AppInfo {
  readonly version: string;
  readonly electron: string;
  readonly platform: string;
  readonly packaged: boolean;
}

export type UpdateStatus =
  | { readonly state: "idle" }
  | { readonly state: "checking" }
  | { readonly state: "available"; readonly version: string }
  | { readonly state: "not-available" }
  | { readonly state: "downloaded"; readonly version: string }
  | { readonly state: "error"; readonly message: string }
  | { readonly state: "disabled"; readonly reason: string };
