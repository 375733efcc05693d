import { useEffect } from "preact/hooks";
import type { ListenerSession, ListenerState } from "../connection/listenerSession.js";
import { nativeLanguageName } from "../i18n/languageName.js";

/** Lock-screen title and play/pause (Media Session API, where the browser has it). */
export function useMediaSession(session: ListenerSession, audio: HTMLAudioElement, s: ListenerState): void {
  const listening = s.phase === "listening";
  const title = s.session?.title;
  useEffect(() => {
    if (!("mediaSession" in navigator) || !listening || !title) return;
    const ms = navigator.mediaSession;
    ms.metadata = new MediaMetadata({ title, artist: nativeLanguageName(s.language), album: "Babelcast" });
    ms.setActionHandler("play", () => session.resume());
    ms.setActionHandler("pause", () => session.pause());
    const sync = () => {
      ms.playbackState = audio.paused ? "paused" : "playing";
    };
    audio.addEventListener("play", sync);
    audio.addEventListener("pause", sync);
    sync();
    return () => {
      audio.removeEventListener("play", sync);
      audio.removeEventListener("pause", sync);
      ms.setActionHandler("play", null);
      ms.setActionHandler("pause", null);
      ms.playbackState = "none";
    };
  }, [session, audio, listening, title, s.language]);
}
