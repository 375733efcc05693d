import { type InterpreterInvite, type LanguagesResponse, languageInfo } from "@babelcast/protocol";
import { useEffect, useRef, useState } from "preact/hooks";
import QRCode from "qrcode";
import { captionSourceText, interpreterCaptionSource } from "../interpreter/captionSource.js";

const name = (code: string) => languageInfo(code)?.englishName ?? code;

export interface InterpretersPanelProps {
  readonly targetLanguages: readonly string[];
  /** Languages an interpreter speaks right now. */
  readonly interpreted: readonly string[];
  readonly onInvite: (language: string) => void;
  /** What this home's engines can do (`GET /languages`): whether interpreters' captions could be recognized. */
  readonly loadLanguages: () => Promise<LanguagesResponse>;
}

/** Per target language: who speaks it (an interpreter or machine speech), where its captions come from, and an invite button. */
export function InterpretersPanel({ targetLanguages, interpreted, onInvite, loadLanguages }: InterpretersPanelProps) {
  const [availability, setAvailability] = useState<LanguagesResponse>();
  // The parent passes a new function each render: load once per panel.
  const load = useRef(loadLanguages);
  load.current = loadLanguages;
  useEffect(() => {
    let current = true;
    load.current().then(
      (a) => current && setAvailability(a),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);
  if (targetLanguages.length === 0) return null;
  return (
    <section class="panel interpreters" data-testid="interpreters">
      <h2>Interpreters</h2>
      <ul>
        {targetLanguages.map((l) => (
          <li key={l} data-testid={`voice-${l}`} data-voice={interpreted.includes(l) ? "interpreter" : "machine"}>
            {name(l)}: {interpreted.includes(l) ? "interpreter speaking" : "machine speech"}{" "}
            <button type="button" data-testid={`invite-${l}`} onClick={() => onInvite(l)}>
              Invite
            </button>
            <small class="caption-source" data-testid={`captions-${l}`}>
              {captionSourceText(l, interpreterCaptionSource(availability, l))}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}

export interface InviteDialogProps {
  readonly invite: InterpreterInvite;
  readonly onClose: () => void;
}

/** The one-time interpreter link as a QR code, for the interpreter's phone or laptop. */
export function InviteDialog({ invite, onClose }: InviteDialogProps) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(invite.interpreterUrl, { errorCorrectionLevel: "M", margin: 2, width: 320 }).then(
      (url) => live && setSrc(url),
    );
    return () => {
      live = false;
    };
  }, [invite.interpreterUrl]);
  return (
    <div
      class="invite-dialog"
      data-testid="invite-dialog"
      role="dialog"
      aria-label={`Interpreter link for ${name(invite.language)}`}
    >
      <h2>Interpreter for {name(invite.language)}</h2>
      {src && <img class="qr" src={src} alt={`QR code for the ${name(invite.language)} interpreter link`} />}
      <p class="join-url" data-testid="invite-url">
        {invite.interpreterUrl}
      </p>
      <p class="hint">
        Works once, until {new Date(invite.expiresAt).toLocaleTimeString()}. The interpreter opens it on their own
        device, hears you, and their voice replaces the machine speech for {name(invite.language)}; captions stay
        machine translation.
      </p>
      <button type="button" data-testid="invite-close" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
