import { type InterpreterInvite, languageInfo } from "@babelcast/protocol";
import { useEffect, useState } from "preact/hooks";
import QRCode from "qrcode";

const name = (code: string) => languageInfo(code)?.englishName ?? code;

export interface InterpretersPanelProps {
  readonly targetLanguages: readonly string[];
  /** Languages an interpreter speaks right now. */
  readonly interpreted: readonly string[];
  readonly onInvite: (language: string) => void;
}

/** Per target language: who speaks it (an interpreter or machine speech), and an invite button. */
export function InterpretersPanel({ targetLanguages, interpreted, onInvite }: InterpretersPanelProps) {
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
