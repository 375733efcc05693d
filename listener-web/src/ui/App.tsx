import { useEffect, useState } from "preact/hooks";
import type { ListenerSession, ListenerState } from "../connection/listenerSession.js";
import { statusNotice } from "../connection/statusNotice.js";
import { nativeLanguageName } from "../i18n/languageName.js";
import { stringsFor, uiLanguage } from "../i18n/strings.js";
import {
  clampCaptionSize,
  type KeyValueStore,
  rememberCaptionSize,
  rememberedCaptionSize,
} from "../language/storedPreferences.js";
import { AudioControls } from "./AudioControls.js";
import { CaptionPane } from "./CaptionPane.js";
import { unlockAudio } from "./unlockAudio.js";
import { useMediaSession } from "./useMediaSession.js";

export interface AppProps {
  readonly session: ListenerSession;
  readonly audio: HTMLAudioElement;
  readonly store: KeyValueStore;
  readonly browserLanguages: readonly string[];
  /** The embed of one language: no picker. */
  readonly fixedLanguage?: boolean;
}

export function App({ session, audio, store, browserLanguages, fixedLanguage }: AppProps) {
  const [s, setState] = useState<ListenerState>(session.state);
  const [size, setSize] = useState(() => rememberedCaptionSize(store));
  useEffect(() => session.subscribe(setState), [session]);

  const lang = uiLanguage(s.language || undefined, browserLanguages);
  const t = stringsFor(lang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useMediaSession(session, audio, s);

  const notice = statusNotice(s);
  const title = s.session?.title ?? "Babelcast";
  const live = s.status === "live" && s.phase !== "ended";
  const resize = (step: number) => {
    const next = clampCaptionSize(size + step);
    setSize(next);
    rememberCaptionSize(store, next);
  };

  return (
    <main>
      <header>
        <h1>{title}</h1>
        {live ? <span class="pill">{t.live}</span> : null}
      </header>
      <p class="notice" role="status">
        {notice ? t[notice] : ""}
        {notice === "captionsOnly" && s.captionsOnlyReason ? ` (${s.captionsOnlyReason})` : ""}
        {s.notice && (!notice || notice === "captionsOnly") ? ` ${s.notice}` : ""}
      </p>
      {s.languages.length > 0 && s.phase !== "ended" ? (
        <div class="controls">
          {fixedLanguage ? null : (
            <label>
              {t.language}
              <select value={s.language} onChange={(e) => session.chooseLanguage(e.currentTarget.value)}>
                {s.languages.map((code) => (
                  <option key={code} value={code} lang={code}>
                    {nativeLanguageName(code)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {s.passcodeNeeded && s.phase === "ready" ? (
            <label>
              {t.passcode}
              <input
                type="password"
                autoComplete="off"
                aria-invalid={s.wrongPasscode}
                onInput={(e) => session.setPasscode(e.currentTarget.value)}
              />
              {s.wrongPasscode ? <span class="error">{t.wrongPasscode}</span> : null}
            </label>
          ) : null}
          {s.phase === "ready" ? (
            <button
              type="button"
              class="listen"
              onClick={() => {
                unlockAudio(audio);
                void session.listen();
              }}
            >
              {t.listen}
            </button>
          ) : null}
          {s.phase === "listening" && s.audio !== "captions-only" ? (
            <AudioControls audio={audio} t={t} onPause={() => session.pause()} onResume={() => session.resume()} />
          ) : null}
        </div>
      ) : null}
      {s.phase === "listening" || s.phase === "ended" || s.captions.lines.length > 0 ? (
        <CaptionPane log={s.captions} size={size} delay={s.delay} t={t} onResize={resize} />
      ) : null}
    </main>
  );
}
