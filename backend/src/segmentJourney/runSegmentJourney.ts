import type { LanguageStages } from "@babelcast/protocol";
import type { SessionRecord } from "../services/sessionRecords.js";
import { segmentSource } from "../services/sourceLanguageChange.js";
import { filterText, wordsFor } from "../services/wordFilter.js";
import type { SegmentRecord } from "../tables/records.js";
import { captionMessage } from "./captionMessage.js";
import { awaitTurn, CAPTION_ORDER, type CaptionOrderSettings, type Turn } from "./captionOrder.js";
import { glossaryKey, glossaryTerminologyCsv, glossaryTerminologyName } from "./glossaryTerminology.js";
import type { JourneyPorts } from "./ports.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from "./retryPolicy.js";
import { stamp } from "./stageTimes.js";

/**
 * One segment's journey, after the handler stored it: for every language somebody listens
 * to, in parallel, translate → wait for its turn → publish (the caption to that language's
 * listeners, the text and stage times to the console, which synthesizes the speech). Nothing
 * is kept between segments: order and glossary state are read from the stores each time, so
 * any container may run any segment.
 *
 * - Isolation: each language retries on its own; a language whose translation fails for good
 *   sends the console its error and still takes its turn, so later segments are not held.
 * - Durability: each translation is stored before its caption goes out.
 */

export interface JourneySettings {
  readonly retry: RetryPolicy;
  readonly order: CaptionOrderSettings;
  /** Prefix of Translate terminology names this deployment imports. */
  readonly terminologyNamePrefix: string;
}

export const DEFAULT_JOURNEY: JourneySettings = {
  retry: DEFAULT_RETRY_POLICY,
  order: CAPTION_ORDER,
  terminologyNamePrefix: "babelcast-",
};

/** What one language of a segment came to. */
export interface LanguageOutcome {
  readonly language: string;
  readonly text?: string;
  readonly stages: LanguageStages;
  readonly turn: Turn;
  /** Publishes of the caption that went out: 1 (to its language's channel), 0 when none did. */
  readonly delivered: number;
  readonly error?: string;
}

type JourneySession = Pick<
  SessionRecord,
  "sessionId" | "sourceLanguage" | "targetLanguages" | "glossary" | "terminology" | "wordFilter"
>;

/** The session's terminology name, importing the glossary first when it changed since the last import. */
async function terminologyFor(
  session: JourneySession,
  ports: JourneyPorts,
  settings: JourneySettings,
): Promise<string | undefined> {
  if (session.glossary.length === 0) return undefined;
  const csv = glossaryTerminologyCsv(session.sourceLanguage, session.targetLanguages, session.glossary);
  const key = glossaryKey(csv);
  if (session.terminology?.glossaryKey === key) return session.terminology.name;
  const name = glossaryTerminologyName(session.sessionId, settings.terminologyNamePrefix);
  try {
    await ports.engines.importTerminology(name, csv);
    await ports.stores.saveTerminology({ name, glossaryKey: key });
    return name;
  } catch (err) {
    // Without the glossary translation still works; the terms are just not forced.
    ports.log.warn("session glossary import failed", { sessionId: session.sessionId, error: String(err) });
    return undefined;
  }
}

function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string } | undefined;
  return `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`;
}

async function journeyInLanguage(
  segment: SegmentRecord,
  session: JourneySession,
  language: string,
  terminologyName: string | undefined,
  ports: JourneyPorts,
  settings: JourneySettings,
): Promise<LanguageOutcome> {
  const { clock, stores, publisher } = ports;
  let stages: LanguageStages = {};
  let text: string | undefined;
  let error: string | undefined;

  const source = segmentSource(segment, session);
  if (segment.text.trim() === "") {
    // The word filter removed every word: nothing to translate, caption or speak; the turn is still taken.
  } else if (language === source) {
    text = segment.text;
  } else {
    const translated = await withRetry(
      () => ports.engines.translate(segment.text, source, language, terminologyName),
      settings.retry,
      clock,
    );
    if (translated.ok) {
      // The word filter holds for translations too: the language's own words, else the source's.
      const filter = session.wordFilter;
      text = filter
        ? filterText(translated.value, wordsFor(filter, language, session.sourceLanguage), filter.method)
        : translated.value;
      stages = stamp(stages, "translatedAt", clock.now());
      await stores.saveTranslation(segment.seq, language, { text, stages, attempts: translated.attempts });
    } else {
      error = `translation failed after ${translated.attempts} attempt(s): ${errorText(translated.error)}`;
    }
  }

  const turn = await awaitTurn(segment.seq, language, ports, settings.order);
  if (turn === "waited-out") {
    ports.log.warn("caption sent before an earlier one that did not go out in time", {
      sessionId: session.sessionId,
      segmentSeq: segment.seq,
      language,
    });
  }
  let delivered = 0;
  try {
    if (text !== undefined) {
      delivered = await publisher.caption(captionMessage(segment, language, text));
      stages = stamp(stages, "deliveredAt", clock.now());
    }
    await publisher.progress({
      type: "segment-progress",
      segmentSeq: segment.seq,
      language,
      ...(text !== undefined ? { text } : {}),
      source: segment.stages,
      stages,
      ...(error !== undefined ? { error } : {}),
    });
  } finally {
    // Taken even when sending failed: the next segment must not wait for this one in vain.
    await stores.markPublished(language, segment.seq);
  }
  return { language, ...(text !== undefined ? { text } : {}), stages, turn, delivered, ...(error ? { error } : {}) };
}

/** Runs a stored segment through every language in `segment.languages`; resolves when all went out. */
export async function runSegmentJourney(
  segment: SegmentRecord,
  session: JourneySession,
  ports: JourneyPorts,
  settings: JourneySettings = DEFAULT_JOURNEY,
): Promise<LanguageOutcome[]> {
  const languages = segment.languages ?? [];
  if (languages.length === 0) return [];
  const source = segmentSource(segment, session);
  const needsTranslation = languages.some((l) => l !== source);
  // The glossary's terminology is built from the session's source: a segment spoken before a source change goes without it.
  const terminologyName =
    needsTranslation && source === session.sourceLanguage ? await terminologyFor(session, ports, settings) : undefined;
  return Promise.all(
    languages.map((language) => journeyInLanguage(segment, session, language, terminologyName, ports, settings)),
  );
}
