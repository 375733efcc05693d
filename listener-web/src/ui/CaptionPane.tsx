import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { isFollowing } from "../captions/autoScroll.js";
import type { CaptionLog } from "../captions/captionLog.js";
import { format, type Strings } from "../i18n/strings.js";

export interface CaptionPaneProps {
  readonly log: CaptionLog;
  readonly size: number;
  readonly delay: number | null;
  readonly t: Strings;
  onResize(step: number): void;
}

/** Live captions: follows the newest line unless the reader scrolled back to read. */
export function CaptionPane({ log, size, delay, t, onResize }: CaptionPaneProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const toLatest = () => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  };
  useLayoutEffect(() => {
    if (following) toLatest();
  }, [log, following, size]);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => setFollowing(isFollowing(el));
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  return (
    <section class="captions" aria-label={t.captions}>
      <div class="bar">
        <span class="delay">{delay === null ? "" : format(t.behind, { s: delay.toFixed(1) })}</span>
        <fieldset>
          <legend class="sr">{t.textSize}</legend>
          <button type="button" onClick={() => onResize(-1)}>
            A−<span class="sr"> {t.smaller}</span>
          </button>
          <button type="button" onClick={() => onResize(1)}>
            A+<span class="sr"> {t.larger}</span>
          </button>
        </fieldset>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll back (WCAG 2.1.1). */}
      <div class="scroll" ref={scroller} data-size={size} tabIndex={0}>
        <div role="log" aria-live="polite" aria-relevant="additions">
          {log.lines.length === 0 && !log.partial ? <p class="hint">{t.waitingCaptions}</p> : null}
          {log.lines.map((line) => (
            <p key={line.key} lang={line.language} dir="auto">
              {line.text}
            </p>
          ))}
        </div>
        {log.partial ? (
          <p class="partial" dir="auto" aria-hidden="true">
            {log.partial}
          </p>
        ) : null}
      </div>
      {following ? null : (
        <button
          type="button"
          class="latest"
          onClick={() => {
            setFollowing(true);
            toLatest();
          }}
        >
          {t.latest}
        </button>
      )}
    </section>
  );
}
