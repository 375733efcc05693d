import { useEffect, useRef, useState } from "preact/hooks";
import QRCode from "qrcode";
import { qrViewUrl } from "../../shared/qrView.js";

export interface QrOverlayProps {
  readonly joinUrl: string;
  readonly title: string;
  readonly onClose: () => void;
  /** True in the projector window itself (no "open in a window" there). */
  readonly standalone?: boolean;
}

/** The join QR code for a projector: full screen, the link printed under it. */
export function QrOverlay({ joinUrl, title, onClose, standalone = false }: QrOverlayProps) {
  const [src, setSrc] = useState<string>();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(joinUrl, { errorCorrectionLevel: "M", margin: 2, width: 1024 }).then(
      (url) => live && setSrc(url),
    );
    return () => {
      live = false;
    };
  }, [joinUrl]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const fullScreen = () => void root.current?.requestFullscreen?.().catch(() => undefined);
  // The app puts it on the projector; a browser opens a tab to drag there.
  const openWindow = () => {
    if (window.babelcast) void window.babelcast.openQrWindow(joinUrl, title);
    else window.open(qrViewUrl(location.href, joinUrl, title), "_blank", "noopener");
  };
  return (
    <div class="qr-overlay" ref={root} data-testid="qr-overlay" role="dialog" aria-label="Join QR code">
      <h1>{title}</h1>
      {src && <img class="qr" data-testid="qr-code" src={src} alt={`QR code for ${joinUrl}`} />}
      <p class="join-url" data-testid="join-url">
        {joinUrl}
      </p>
      <p class="hint">Scan to listen in your language</p>
      <div class="qr-actions">
        <button type="button" onClick={fullScreen}>
          Full screen
        </button>
        {!standalone && (
          <button type="button" data-testid="qr-window" onClick={openWindow}>
            {window.babelcast ? "Show on projector" : "Open in a new window"}
          </button>
        )}
        <button type="button" data-testid="qr-close" onClick={onClose}>
          Close (Esc)
        </button>
      </div>
    </div>
  );
}
