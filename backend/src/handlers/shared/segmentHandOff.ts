import { translateEngine } from "../../aws/translateEngine.js";
import type { JourneyPorts } from "../../segmentJourney/ports.js";
import { DEFAULT_JOURNEY, runSegmentJourney } from "../../segmentJourney/runSegmentJourney.js";
import type { SessionRecord } from "../../services/sessionRecords.js";
import type { ConnectionRecord, SegmentRecord } from "../../tables/records.js";
import type { BackendDeps } from "./backendDeps.js";
import { publishToLanguage, sendToConnections } from "./fanout.js";

/**
 * The segment journey's ports on the real services, bound to one session. Captions are
 * published once per language to the caption Event API; progress goes to `consoles`, the
 * session's console connections read when the segment arrived (one read per segment, not one
 * per caption).
 */
export function journeyPorts(
  deps: BackendDeps,
  session: SessionRecord,
  consoles: readonly ConnectionRecord[],
): JourneyPorts {
  const { sessionId } = session;
  return {
    stores: {
      saveTranslation: (seq, language, translation) =>
        deps.stores.segments.putTranslation(sessionId, seq, language, translation),
      saveTerminology: async (terminology) => {
        await deps.stores.sessions.update(sessionId, { terminology });
      },
      publishedThrough: (language) => deps.stores.coordination.publishedThrough(sessionId, language),
      markPublished: (language, seq) => deps.stores.coordination.markPublished(sessionId, language, seq, deps.now()),
      languagesBetween: (from, to) => deps.stores.segments.languagesBetween(sessionId, from, to),
    },
    publisher: {
      caption: async (caption) => ((await publishToLanguage(deps, sessionId, caption.language, caption)) ? 1 : 0),
      progress: (progress) => sendToConnections(deps, consoles, progress),
    },
    engines: translateEngine(deps.clients.translate),
    clock: { now: deps.now, sleep: deps.sleep, random: deps.random },
    log: deps.log,
  };
}

/** Hands a stored segment to its journey. */
export async function handOffSegment(
  deps: BackendDeps,
  segment: SegmentRecord,
  session: SessionRecord,
  consoles: readonly ConnectionRecord[],
): Promise<void> {
  await runSegmentJourney(segment, session, journeyPorts(deps, session, consoles), {
    ...DEFAULT_JOURNEY,
    order: { ...DEFAULT_JOURNEY.order, maxWaitMs: deps.config.limits.captionOrderWaitMs },
    terminologyNamePrefix: deps.config.terminologyNamePrefix,
  });
}
