/**
 * The QR-only view of the console: the same page with `#qr=<join URL>&title=<title>` in its
 * fragment shows just the code, for a projector window or a second browser tab. Pure.
 */
export function qrViewUrl(consoleUrl: string, joinUrl: string, title: string): string {
  const base = consoleUrl.split("#")[0] ?? consoleUrl;
  const params = new URLSearchParams({ qr: joinUrl, title });
  return `${base}#${params.toString()}`;
}

/** The join URL and title of a QR-only view, or undefined for the normal console. */
export function readQrView(hash: string): { joinUrl: string; title: string } | undefined {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const joinUrl = params.get("qr");
  if (!joinUrl) return undefined;
  try {
    const u = new URL(joinUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  } catch {
    return undefined;
  }
  return { joinUrl, title: (params.get("title") ?? "").slice(0, 200) };
}

export interface DisplayLike {
  readonly id: number;
  readonly bounds: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

/** The projector: the first display that is not the primary one; the primary when there is only one. */
export function pickProjectorDisplay<D extends DisplayLike>(displays: readonly D[], primaryId: number): D | undefined {
  return displays.find((d) => d.id !== primaryId) ?? displays.find((d) => d.id === primaryId);
}
