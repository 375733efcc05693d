import type { Session } from "electron";
import { originOf } from "./consoleUrl.js";

export interface PermissionQuery {
  readonly permission: string;
  /** Origin of the frame asking (for requests: derived from its URL). */
  readonly requestingOrigin: string;
  /** For `media`: what is asked; an empty or missing list is treated as "unknown". */
  readonly mediaTypes?: readonly string[];
  readonly isMainFrame?: boolean;
}

/**
 * The console needs the microphone and, for the QR code on a projector, full screen; from
 * our own origin and top frame only. Camera, screen capture, notifications, everything else:
 * denied (Electron would grant all of them by default).
 */
export function decidePermission(query: PermissionQuery, appOrigin: string): boolean {
  if (query.requestingOrigin !== appOrigin) return false;
  if (query.isMainFrame === false) return false;
  if (query.permission === "fullscreen") return true;
  if (query.permission !== "media") return false;
  const types = query.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === "audio");
}

/** Permission checks (not requests) carry a media type string instead of a list. */
export function decidePermissionCheck(
  permission: string,
  requestingOrigin: string,
  mediaType: string | undefined,
  appOrigin: string,
): boolean {
  if (requestingOrigin !== appOrigin) return false;
  // `media` checks come from enumerateDevices (labels) and getUserMedia pre-checks.
  if (permission === "media") return mediaType === undefined || mediaType === "audio" || mediaType === "unknown";
  return permission === "fullscreen";
}

/** Installs both handlers on the console's session. */
export function setupPermissions(session: Session, appOrigin: string): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const mediaTypes = "mediaTypes" in details ? details.mediaTypes : undefined;
    const origin = ("securityOrigin" in details && details.securityOrigin) || originOf(details.requestingUrl);
    callback(
      decidePermission(
        { permission, requestingOrigin: originOf(origin) || origin, mediaTypes, isMainFrame: details.isMainFrame },
        appOrigin,
      ),
    );
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    decidePermissionCheck(permission, originOf(requestingOrigin) || requestingOrigin, details.mediaType, appOrigin),
  );
}
