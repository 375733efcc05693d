import { type CreateSessionRequest, LANGUAGES, type SessionOwnerView } from "@babelcast/protocol";
import { useState } from "preact/hooks";
import type { ConsoleSettings } from "../../shared/settings.js";
import { parseGlossary } from "../session/glossary.js";

export interface SessionSetupProps {
  readonly resumable: SessionOwnerView | undefined;
  readonly defaults: ConsoleSettings["lastSession"];
  readonly onCreate: (request: CreateSessionRequest) => Promise<void>;
  readonly onReopen: (session: SessionOwnerView) => Promise<void>;
}

const languages = [...LANGUAGES.values()];

/** A running session to reopen, and the form for a new one. */
export function SessionSetup({ resumable, defaults, onCreate, onReopen }: SessionSetupProps) {
  const [title, setTitle] = useState("");
  const [source, setSource] = useState(defaults.sourceLanguage);
  const [targets, setTargets] = useState<string[]>(defaults.targetLanguages);
  const [glossary, setGlossary] = useState("");
  const [capacity, setCapacity] = useState(defaults.audioCapacity);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const toggleTarget = (code: string, on: boolean) =>
    setTargets((t) => (on ? [...t.filter((c) => c !== code), code] : t.filter((c) => c !== code)));

  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = parseGlossary(glossary);
    if (parsed.errors.length) return setError(`Glossary: ${parsed.errors.join("; ")}`);
    if (!title.trim()) return setError("Give the session a title (listeners see it).");
    setBusy(true);
    setError(undefined);
    try {
      await onCreate({
        title: title.trim(),
        sourceLanguage: source,
        targetLanguages: targets.filter((t) => t !== source),
        glossary: parsed.entries,
        voices: {},
        audioCapacity: capacity,
        transcriptPublic: false,
      });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="setup">
      {resumable && (
        <section class="panel resume" data-testid="resume-session">
          <h2>Session still running</h2>
          <p>
            <strong>{resumable.title}</strong> ({resumable.id}, {resumable.status}) did not end. Reopen it to carry on
            with the same link and listeners.
          </p>
          <button type="button" data-testid="reopen" onClick={() => void onReopen(resumable)}>
            Reopen {resumable.id}
          </button>
        </section>
      )}
      <section class="panel new-session">
        <h2>New session</h2>
        <form data-testid="session-form" onSubmit={submit}>
          <label>
            Title
            <input
              data-testid="title"
              value={title}
              maxLength={200}
              onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Spoken language
            <select
              data-testid="source-language"
              value={source}
              onChange={(e) => setSource((e.target as HTMLSelectElement).value)}
            >
              {languages.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.englishName} ({l.nativeName})
                </option>
              ))}
            </select>
          </label>
          <fieldset class="targets">
            <legend>Translate into</legend>
            {languages
              .filter((l) => l.code !== source)
              .map((l) => (
                <label key={l.code} class="switch">
                  <input
                    type="checkbox"
                    data-testid={`target-${l.code}`}
                    checked={targets.includes(l.code)}
                    onChange={(e) => toggleTarget(l.code, (e.target as HTMLInputElement).checked)}
                  />
                  {l.englishName}
                </label>
              ))}
          </fieldset>
          <label>
            Glossary (one term a line: <code>Babelcast = es:Babelcast, fr:Babelcast</code>)
            <textarea
              data-testid="glossary"
              rows={3}
              value={glossary}
              onInput={(e) => setGlossary((e.target as HTMLTextAreaElement).value)}
            />
          </label>
          <label>
            Listeners with audio (the rest get captions)
            <input
              type="number"
              data-testid="capacity"
              min={0}
              max={10000}
              value={capacity}
              onInput={(e) => setCapacity(Number((e.target as HTMLInputElement).value))}
            />
          </label>
          <button type="submit" data-testid="create-session" disabled={busy}>
            {busy ? "Creating…" : "Start session"}
          </button>
          {error && (
            <p class="error" data-testid="session-error">
              {error}
            </p>
          )}
        </form>
      </section>
    </div>
  );
}
