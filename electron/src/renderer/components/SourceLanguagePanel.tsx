import { type LanguagesResponse, languageInfo } from "@babelcast/protocol";
import { useEffect, useRef, useState } from "preact/hooks";
import { sourceSwitchChoices } from "../session/languageChoices.js";

export interface SourceLanguagePanelProps {
  readonly source: string;
  /** Whether Transcribe identifies the language by itself (cloud). */
  readonly identify: boolean;
  readonly loadLanguages: (source: string) => Promise<LanguagesResponse>;
  /** Resolves whether the server took the new source. */
  readonly onSwitch: (language: string) => Promise<boolean>;
  readonly onIdentify: (on: boolean) => void;
}

/**
 * The presenter changes the language they speak mid-session: listeners are told, the old
 * source becomes a target for those listening to it, recognition restarts in the new one.
 * A language this home's recognizer cannot hear is shown with the reason and cannot be chosen.
 */
export function SourceLanguagePanel({
  source,
  identify,
  loadLanguages,
  onSwitch,
  onIdentify,
}: SourceLanguagePanelProps) {
  const [chosen, setChosen] = useState(source);
  const [busy, setBusy] = useState(false);
  const [availability, setAvailability] = useState<LanguagesResponse>();
  const load = useRef(loadLanguages);
  load.current = loadLanguages;
  useEffect(() => {
    setChosen(source);
    load
      .current(source)
      .then(setAvailability)
      .catch(() => setAvailability(undefined));
  }, [source]);
  const choices = sourceSwitchChoices(availability);
  const reason = choices.find((c) => c.code === chosen)?.reason;
  return (
    <section class="panel source-switch" data-testid="source-panel">
      <h2>Source language</h2>
      <p>
        Speaking <strong data-testid="current-source">{languageInfo(source)?.englishName ?? source}</strong>
      </p>
      <select
        data-testid="switch-source-language"
        aria-label="New source language"
        value={chosen}
        disabled={identify}
        onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}
      >
        {choices.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
            {c.reason ? " (not heard here)" : ""}
          </option>
        ))}
      </select>{" "}
      <button
        type="button"
        data-testid="switch-source"
        disabled={busy || identify || chosen === source || reason !== undefined}
        onClick={() => {
          setBusy(true);
          void onSwitch(chosen).finally(() => setBusy(false));
        }}
      >
        Switch
      </button>
      {reason && (
        <p class="muted" data-testid="source-switch-note">
          Cannot switch: {reason}.
        </p>
      )}
      <label>
        <input
          type="checkbox"
          data-testid="identify-language"
          checked={identify}
          onChange={(e) => onIdentify((e.target as HTMLInputElement).checked)}
        />{" "}
        Identify the language automatically (Amazon Transcribe, among this session's languages)
      </label>
    </section>
  );
}
