import type { CreateSessionRequest, LanguagesResponse, SessionOwnerView, WordFilterMethod } from "@babelcast/protocol";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ConsoleSettings } from "../../shared/settings.js";
import { parseGlossary } from "../session/glossary.js";
import { servableTargets, sourceChoices, targetChoices } from "../session/languageChoices.js";
import { parseWordFilter } from "../session/wordFilter.js";

export interface SessionSetupProps {
  readonly resumable: SessionOwnerView | undefined;
  readonly defaults: ConsoleSettings["lastSession"];
  /** What the server's engines can do with each language from a source (`GET /languages`). */
  readonly loadLanguages: (source: string) => Promise<LanguagesResponse>;
  readonly onCreate: (request: CreateSessionRequest) => Promise<void>;
  readonly onReopen: (session: SessionOwnerView) => Promise<void>;
  /** A hand-off link the console was opened with (empty: none). */
  readonly handOffLink: string;
  /** Takes a session over with a hand-off link; throws what to tell the presenter. */
  readonly onTakeOver: (link: string) => Promise<void>;
}

/** A running session to reopen, and the form for a new one. */
export function SessionSetup({
  resumable,
  defaults,
  loadLanguages,
  onCreate,
  onReopen,
  handOffLink,
  onTakeOver,
}: SessionSetupProps) {
  const [title, setTitle] = useState("");
  const [source, setSource] = useState(defaults.sourceLanguage);
  const [targets, setTargets] = useState<string[]>(defaults.targetLanguages);
  const [glossary, setGlossary] = useState("");
  const [filterWords, setFilterWords] = useState("");
  const [filterMethod, setFilterMethod] = useState<WordFilterMethod>("mask");
  const [capacity, setCapacity] = useState(defaults.audioCapacity);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [availability, setAvailability] = useState<LanguagesResponse>();
  const [availabilityError, setAvailabilityError] = useState<string>();
  const [takeOverLink, setTakeOverLink] = useState(handOffLink);
  const [takeOverError, setTakeOverError] = useState<string>();
  const [takingOver, setTakingOver] = useState(false);

  // The parent passes a new function each render: keep the latest without refetching for it.
  const load = useRef(loadLanguages);
  load.current = loadLanguages;

  // Ask the server what its engines can do from this source; a stale answer is dropped.
  useEffect(() => {
    let current = true;
    load.current(source).then(
      (a) => {
        if (!current) return;
        setAvailability(a);
        setAvailabilityError(undefined);
        const heard = sourceChoices(a);
        if (!heard.some((l) => l.code === source) && heard[0]) setSource(heard[0].code);
        setTargets((t) => servableTargets(t, targetChoices(a, source)));
      },
      (err: unknown) => {
        if (current) setAvailabilityError((err as Error).message);
      },
    );
    return () => {
      current = false;
    };
  }, [source]);

  const sources = sourceChoices(availability);
  const choices = targetChoices(availability, source);

  const toggleTarget = (code: string, on: boolean) =>
    setTargets((t) => (on ? [...t.filter((c) => c !== code), code] : t.filter((c) => c !== code)));

  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = parseGlossary(glossary);
    if (parsed.errors.length) return setError(`Glossary: ${parsed.errors.join("; ")}`);
    const wordFilter = parseWordFilter(filterWords, filterMethod);
    if (wordFilter.errors.length) return setError(`Word filter: ${wordFilter.errors.join("; ")}`);
    if (!title.trim()) return setError("Give the session a title (listeners see it).");
    setBusy(true);
    setError(undefined);
    try {
      await onCreate({
        title: title.trim(),
        sourceLanguage: source,
        targetLanguages: servableTargets(targets, choices),
        glossary: parsed.entries,
        ...(wordFilter.filter ? { wordFilter: wordFilter.filter } : {}),
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

  const takeOver = async (e: Event) => {
    e.preventDefault();
    setTakingOver(true);
    setTakeOverError(undefined);
    try {
      await onTakeOver(takeOverLink);
    } catch (err) {
      setTakeOverError((err as Error).message);
    } finally {
      setTakingOver(false);
    }
  };

  return (
    <div class="setup">
      <section class="panel take-over" data-testid="take-over">
        <h2>Take over a session</h2>
        <form onSubmit={takeOver}>
          <label>
            Hand-off link from the other console
            <input
              data-testid="takeover-link"
              value={takeOverLink}
              placeholder="…#handoff=amber-harbor-482.…"
              onInput={(e) => setTakeOverLink((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" data-testid="takeover" disabled={takingOver || !takeOverLink.trim()}>
            {takingOver ? "Taking over…" : "Take over"}
          </button>
          {takeOverError && (
            <p class="error" data-testid="takeover-error">
              {takeOverError}
            </p>
          )}
        </form>
      </section>
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
              {sources.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          {availability && sources.length < availability.languages.length && (
            <p class="muted" data-testid="source-note">
              Only languages this server's speech recognition hears are offered (
              {availability.languages.find((l) => !l.recognition.available)?.recognition.reason ?? ""}).
            </p>
          )}
          {availabilityError && (
            <p class="error" data-testid="languages-error">
              Could not ask the server which languages it serves ({availabilityError}); it will still refuse a language
              it cannot serve.
            </p>
          )}
          <fieldset class="targets">
            <legend>Translate into</legend>
            {choices.map((l) => (
              <label
                key={l.code}
                class={`switch capability-${l.capability}`}
                title={l.reason}
                data-testid={`target-row-${l.code}`}
              >
                <input
                  type="checkbox"
                  data-testid={`target-${l.code}`}
                  checked={targets.includes(l.code) && !l.disabled}
                  disabled={l.disabled}
                  onChange={(e) => toggleTarget(l.code, (e.target as HTMLInputElement).checked)}
                />
                {l.name}
                {l.label && (
                  <span class="capability" data-testid={`capability-${l.code}`}>
                    {" "}
                    ({l.label})
                  </span>
                )}
                {l.reason && (
                  <small class="reason" data-testid={`reason-${l.code}`}>
                    {" "}
                    {l.reason}
                  </small>
                )}
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
          <fieldset class="word-filter" data-testid="word-filter">
            <legend>Word filter</legend>
            <label>
              Words to keep out of captions and translations (spaces or commas between words; a line{" "}
              <code>fr: mot1 mot2</code> lists a translation's own words)
              <textarea
                data-testid="filter-words"
                rows={2}
                value={filterWords}
                onInput={(e) => setFilterWords((e.target as HTMLTextAreaElement).value)}
              />
            </label>
            <label>
              Show them as
              <select
                data-testid="filter-method"
                value={filterMethod}
                onChange={(e) => setFilterMethod((e.target as HTMLSelectElement).value as WordFilterMethod)}
              >
                <option value="mask">*** (mask)</option>
                <option value="remove">nothing (remove)</option>
              </select>
            </label>
          </fieldset>
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
