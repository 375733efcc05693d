import type { ShortcutAction } from "../../shared/ipcChannels.js";

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly repeat: boolean;
  /** Tag name of the focused element ("INPUT", "BODY", …). */
  readonly targetTag: string;
  readonly targetEditable: boolean;
}

/** Plain M mutes, P pauses, Q shows the QR code; never while typing in a field or with a modifier. */
export function shortcutFor(e: KeyLike): ShortcutAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || e.targetEditable) return undefined;
  if (["INPUT", "TEXTAREA", "SELECT"].includes(e.targetTag)) return undefined;
  switch (e.key.toLowerCase()) {
    case "m":
      return "toggle-mute";
    case "p":
      return "toggle-pause";
    case "q":
      return "show-qr";
    case "d":
      return "toggle-diagnostics";
    default:
      return undefined;
  }
}
