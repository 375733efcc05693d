import { useEffect, useState } from "preact/hooks";
import type { Strings } from "../i18n/strings.js";

export interface AudioControlsProps {
  readonly audio: HTMLAudioElement;
  readonly t: Strings;
  onPause(): void;
  onResume(): void;
}

/** Pause/resume, mute and volume of the received audio (iOS ignores volume: its hardware keys rule). */
export function AudioControls({ audio, t, onPause, onResume }: AudioControlsProps) {
  const [, redraw] = useState(0);
  useEffect(() => {
    const update = () => redraw((n) => n + 1);
    const events = ["play", "pause", "volumechange"];
    for (const e of events) audio.addEventListener(e, update);
    return () => {
      for (const e of events) audio.removeEventListener(e, update);
    };
  }, [audio]);

  return (
    <div class="audio">
      <button type="button" onClick={() => (audio.paused ? onResume() : onPause())}>
        {audio.paused ? t.resume : t.pause}
      </button>
      <button type="button" aria-pressed={audio.muted} onClick={() => (audio.muted = !audio.muted)}>
        {audio.muted ? t.unmute : t.mute}
      </button>
      <input
        type="range"
        min="0"
        max="1"
        step="0.05"
        aria-label={t.volume}
        value={audio.volume}
        onInput={(e) => {
          audio.volume = Number(e.currentTarget.value);
          audio.muted = false;
        }}
      />
    </div>
  );
}
