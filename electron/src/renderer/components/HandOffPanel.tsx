import { useState } from "preact/hooks";
import type { OfferedHandOff } from "../stores/sessionStore.js";

export interface HandOffPanelProps {
  readonly offer: OfferedHandOff;
  /** A new link that only the presenter signed in with this e-mail may claim. */
  readonly onNamePresenter: (email: string) => void;
  readonly onClose: () => void;
}

/** The one-time link this console offers: another signed-in console opens or pastes it to take over. */
export function HandOffPanel({ offer, onNamePresenter, onClose }: HandOffPanelProps) {
  const until = new Date(offer.expiresAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const [email, setEmail] = useState("");
  return (
    <section class="panel handoff" data-testid="handoff-panel">
      <h2>Hand off this session</h2>
      <p>
        On the other console, sign in, then open this link or paste it under <strong>Take over a session</strong>. It
        works once, until {until}. That console then broadcasts; this one stops and says so.
      </p>
      {offer.presenter && (
        <p data-testid="handoff-presenter">
          Only <strong>{offer.presenter}</strong> can take over with this link.
        </p>
      )}
      <input
        class="handoff-link"
        data-testid="handoff-link"
        readOnly
        value={offer.link}
        onFocus={(e) => (e.target as HTMLInputElement).select()}
      />
      <div class="row">
        <button
          type="button"
          data-testid="handoff-copy"
          onClick={() => void navigator.clipboard?.writeText(offer.link)}
        >
          Copy link
        </button>
        <button type="button" data-testid="handoff-close" onClick={onClose}>
          Close
        </button>
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (email.trim()) onNamePresenter(email.trim());
        }}
      >
        <input
          type="email"
          data-testid="handoff-presenter-email"
          placeholder="Only for the presenter signed in as (e-mail)"
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
        />
        <button type="submit" data-testid="handoff-name-presenter" disabled={!email.trim()}>
          New link for them
        </button>
      </form>
    </section>
  );
}
