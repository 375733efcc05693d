import {
  captionScreenUrl,
  embedOriginsProblems,
  embedPlayerUrl,
  embedSnippet,
  languageInfo,
  type SessionOwnerView,
} from "@babelcast/protocol";
import { useState } from "preact/hooks";

const name = (code: string) => languageInfo(code)?.englishName ?? code;

export interface ScreenPanelProps {
  readonly session: SessionOwnerView;
  /** The listener site (caption screen) and the HTTP API (embed player), from the config document. */
  readonly listenerUrl: string;
  readonly apiUrl: string;
  /** Opens the caption screen: on the projector in Electron, in a new browser window otherwise. */
  onOpenScreen(url: string): void;
  /** Saves the allow-list; rejects with a message a person can act on. */
  onSaveOrigins(origins: string[]): Promise<void>;
}

/** One origin per line; blank lines do not count. */
const parseOrigins = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The caption screen for a projector and the player other sites may embed. */
export function ScreenPanel({ session, listenerUrl, apiUrl, onOpenScreen, onSaveOrigins }: ScreenPanelProps) {
  const languages = [session.sourceLanguage, ...session.targetLanguages];
  const [language, setLanguage] = useState(session.targetLanguages[0] ?? session.sourceLanguage);
  const [originsText, setOriginsText] = useState(session.embedOrigins.join("\n"));
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const snippet = embedSnippet(embedPlayerUrl(apiUrl, session.id, language));

  const save = async () => {
    const origins = parseOrigins(originsText);
    const found = embedOriginsProblems(origins);
    setSaved(false);
    setProblems(found);
    if (found.length > 0) return;
    try {
      await onSaveOrigins(origins);
      setSaved(true);
    } catch (err) {
      setProblems([(err as Error).message]);
    }
  };

  return (
    <section class="panel screens" data-testid="screens">
      <h2>Caption screen and embed</h2>
      <label>
        Language
        <select value={language} onChange={(e) => setLanguage(e.currentTarget.value)} aria-label="Screen language">
          {languages.map((l) => (
            <option key={l} value={l}>
              {name(l)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => onOpenScreen(captionScreenUrl(listenerUrl, session.id, language))}>
        Open caption screen
      </button>
      <label>
        Sites allowed to embed the player (one origin per line, e.g. https://www.example.org)
        <textarea
          rows={3}
          value={originsText}
          aria-label="Sites allowed to embed the player"
          onInput={(e) => {
            setOriginsText(e.currentTarget.value);
            setSaved(false);
          }}
        />
      </label>
      <button type="button" onClick={() => void save()}>
        Save embed sites
      </button>
      {saved && (
        <p class="ok" role="status">
          Saved: {session.embedOrigins.length === 0 ? "no site may embed the player." : "only these sites may."}
        </p>
      )}
      {problems.length > 0 && (
        <ul class="error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <label>
        Embed code for {name(language)}
        <input type="text" readOnly value={snippet} aria-label="Embed code" onFocus={(e) => e.currentTarget.select()} />
      </label>
    </section>
  );
}
