import { ConfigDocument, type InterpreterJoinResponse, languageInfo } from "@babelcast/protocol";
import { useEffect, useRef, useState } from "preact/hooks";
import { InterpreterLink, type InterpreterLinkState, redeemInvite } from "./interpreterLink.js";

const name = (code: string) => languageInfo(code)?.englishName ?? code;

export interface InterpreterPageProps {
  readonly sessionId: string;
  readonly token: string;
}

const STATE_TEXT: Record<InterpreterLinkState | "ready" | "failed", string> = {
  ready: "Ready",
  joining: "Joining…",
  connecting: "Connecting to the presenter…",
  live: "On air: listeners of your language hear you",
  lost: "Connection lost: listeners hear machine speech. Ask the presenter for a new link.",
  closed: "Stopped: listeners hear machine speech",
  failed: "Could not start",
};

/**
 * The console page in interpreter mode (opened from the presenter's one-time link): hear the
 * floor, speak, and your microphone becomes your language's audio for its listeners.
 */
export function InterpreterPage({ sessionId, token }: InterpreterPageProps) {
  const [state, setState] = useState<InterpreterLinkState | "ready" | "failed">("ready");
  const [error, setError] = useState<string>();
  const [joined, setJoined] = useState<InterpreterJoinResponse>();
  const link = useRef<InterpreterLink | undefined>(undefined);
  const floor = useRef<HTMLAudioElement>(null);
  useEffect(() => () => link.current?.close(), []);

  const start = async () => {
    setState("joining");
    setError(undefined);
    try {
      const configRes = await fetch(new URL("/config.json", location.href), { cache: "no-store" });
      const config = ConfigDocument.parse(await configRes.json());
      // Interpreters wear headphones: no processing that would treat a steady voice as noise.
      const microphone = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
      const grant = await redeemInvite(config, sessionId, token);
      setJoined(grant);
      link.current = new InterpreterLink(grant.signaling, microphone, {
        onState: setState,
        onFloor: (stream) => {
          if (!floor.current) return;
          floor.current.srcObject = stream;
          void floor.current.play().catch(() => undefined);
        },
      });
    } catch (err) {
      setState("failed");
      setError(
        (err as Error).name === "NotAllowedError"
          ? "The microphone is blocked: allow it for this page, then ask the presenter for a new link."
          : (err as Error).message,
      );
    }
  };

  return (
    <main class="interpreter-page" data-testid="interpreter-page" data-state={state}>
      <h1>Interpreter</h1>
      {joined && (
        <p data-testid="interpreter-language">
          {joined.session.title}: you interpret from {name(joined.session.sourceLanguage)} into{" "}
          <strong>{name(joined.language)}</strong>.
        </p>
      )}
      <p class="state" data-testid="interpreter-state">
        {STATE_TEXT[state]}
      </p>
      {error && (
        <p class="error" role="alert" data-testid="interpreter-error">
          {error}
        </p>
      )}
      {state === "ready" && (
        <>
          <p>Put on headphones: you hear the presenter, and listeners hear you instead of the machine voice.</p>
          <button type="button" data-testid="interpreter-start" onClick={() => void start()}>
            Start interpreting
          </button>
        </>
      )}
      {(state === "live" || state === "connecting") && (
        <button type="button" data-testid="interpreter-stop" onClick={() => link.current?.close()}>
          Stop interpreting
        </button>
      )}
      <p class="muted">
        Captions for your language stay machine translation of the presenter's words. If you stop or lose the
        connection, listeners hear the machine voice again within two seconds.
      </p>
      {/* biome-ignore lint/a11y/useMediaCaption: the presenter's live voice over WebRTC, which the interpreter is there to hear. */}
      <audio ref={floor} data-testid="interpreter-floor" controls />
    </main>
  );
}
