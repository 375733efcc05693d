import type { WaitingHandOff } from "@babelcast/protocol";
import { useEffect, useRef, useState } from "preact/hooks";

/** How often the home screen asks for hand-offs addressed to this presenter. */
export const WAITING_HANDOFFS_REFRESH_MS = 5_000;

export interface WaitingHandOffsProps {
  /** `GET /handoffs`: hand-offs other presenters addressed to this one's e-mail. */
  readonly load: () => Promise<WaitingHandOff[]>;
  /** Claims one; throws what to tell the presenter. */
  readonly onTakeOver: (waiting: WaitingHandOff) => Promise<void>;
}

/** "Waiting for you": sessions handed to this presenter by name, each taken over with one press, no link. */
export function WaitingHandOffs({ load, onTakeOver }: WaitingHandOffsProps) {
  const [waiting, setWaiting] = useState<WaitingHandOff[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  // The parent passes a new function each render: keep the latest without restarting the timer.
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    let current = true;
    const refresh = () =>
      loader.current().then(
        (list) => {
          if (current) setWaiting(list);
        },
        // A failed refresh keeps the last list; the next one retries.
        () => undefined,
      );
    void refresh();
    const timer = setInterval(refresh, WAITING_HANDOFFS_REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, []);

  if (waiting.length === 0) return null;
  const take = async (h: WaitingHandOff) => {
    setBusy(h.handOff);
    setError(undefined);
    try {
      await onTakeOver(h);
    } catch (err) {
      setError((err as Error).message);
      setWaiting((list) => list.filter((w) => w.handOff !== h.handOff));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section class="panel waiting-handoffs" data-testid="waiting-handoffs">
      <h2>Waiting for you</h2>
      <ul>
        {waiting.map((h) => (
          <li key={h.handOff} data-testid="waiting-handoff" data-session={h.sessionId}>
            <span>
              <strong>{h.title || h.sessionId}</strong> ({h.sessionId}){h.from ? `, from ${h.from}` : ""}
            </span>{" "}
            <button
              type="button"
              data-testid="take-over-waiting"
              disabled={busy !== undefined}
              onClick={() => void take(h)}
            >
              {busy === h.handOff ? "Taking over…" : "Take over"}
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p class="error" data-testid="waiting-handoff-error">
          {error}
        </p>
      )}
    </section>
  );
}
