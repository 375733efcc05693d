import { useEffect, useState } from "preact/hooks";
import { emptyCaptionLog } from "../captions/captionLog.js";
import { followCaptions, type ScreenState } from "./screenFeed.js";
import { type ScreenTarget, screenLines } from "./screenLines.js";

export interface CaptionScreenProps {
  readonly target: ScreenTarget | undefined;
}

/** Full-screen captions for a projector: the last lines of one language, large, no controls. */
export function CaptionScreen({ target }: CaptionScreenProps) {
  const [s, setState] = useState<ScreenState>({
    title: "",
    captions: emptyCaptionLog,
    ended: false,
    following: false,
  });
  useEffect(() => {
    if (target) followCaptions(target, setState);
  }, [target]);
  useEffect(() => {
    if (s.title) document.title = s.title;
  }, [s.title]);

  if (!target) {
    return (
      <p class="problem" role="alert">
        This caption screen link is incomplete: open it from the console (Caption screen button).
      </p>
    );
  }
  const lines = screenLines(s.captions, target.language);
  return (
    <main lang={target.language} aria-live="polite" data-following={s.following}>
      {lines.map((l) => (
        <p key={l.key} class="line">
          {l.text}
        </p>
      ))}
      {s.ended ? <p class="status">The talk has ended.</p> : null}
      {s.problem ? (
        <p class="status" role="status">
          {s.problem}
        </p>
      ) : null}
    </main>
  );
}
