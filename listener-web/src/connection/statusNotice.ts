import type { StringKey } from "../i18n/strings.js";
import type { ListenerState } from "./listenerSession.js";

/**
 * The one line that tells the listener what is going on, most important first; undefined
 * when all is well. Honest: a lost connection shows as reconnecting, never as live.
 */
export function statusNotice(
  s: Pick<ListenerState, "phase" | "offline" | "audio" | "captionsReconnecting" | "status" | "muted">,
): StringKey | undefined {
  if (s.phase === "loading") return "loading";
  if (s.phase === "ended" || s.status === "ended") return "ended";
  if (s.phase === "not-found") return "notFound";
  if (s.phase === "unreachable") return "failed";
  if (s.offline) return "offline";
  if (s.phase === "listening" && (s.audio === "reconnecting" || s.captionsReconnecting)) return "reconnecting";
  if (s.status === "paused") return "paused";
  if (s.status === "created") return "notStarted";
  // Captions-only listeners hear nothing anyway: the presenter's mute is not news to them.
  if (s.audio === "captions-only") return "captionsOnly";
  if (s.muted) return "muted";
  if (s.phase === "joining" || s.audio === "connecting") return "connecting";
  return undefined;
}
