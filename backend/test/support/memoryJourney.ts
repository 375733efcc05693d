import type { CaptionMessage, SegmentProgressMessage } from "@babelcast/protocol";
import type { JourneyPorts, SessionTerminology, TranslateEngine } from "../../src/segmentJourney/ports.js";
import type { SessionRecord } from "../../src/services/sessionRecords.js";
import type { SegmentRecord, SegmentTranslation } from "../../src/tables/records.js";

/**
 * The segment journey's stores and publisher in memory, for tests of the journey itself.
 * `JourneyTables` stands for DynamoDB: every simulated container gets its own ports over the
 * same tables and nothing else, as Lambda containers do.
 */
export class JourneyTables {
  readonly segments = new Map<number, SegmentRecord>();
  readonly marks = new Map<string, number>();
  readonly saved: { seq: number; language: string; translation: SegmentTranslation }[] = [];
  readonly captions: CaptionMessage[] = [];
  readonly progress: SegmentProgressMessage[] = [];
  /** What happened, in order: `saved es 0`, `caption es 0`. */
  readonly events: string[] = [];
  terminology: SessionTerminology | undefined;

  /** Stores a segment as the segment route does, with the languages it goes out in. */
  store(sessionId: string, seq: number, text: string, languages: readonly string[]): SegmentRecord {
    const now = Date.now();
    const segment: SegmentRecord = {
      sessionId,
      seq,
      text,
      startTime: seq,
      endTime: seq + 1,
      stages: { committedAt: now, sentAt: now, receivedAt: now, spokenEndAt: now },
      languages,
      translations: {},
    };
    this.segments.set(seq, segment);
    return segment;
  }

  captionSeqs(language: string): number[] {
    return this.captions.filter((c) => c.language === language).map((c) => c.seq);
  }
}

export const JOURNEY_SESSION: SessionRecord = {
  sessionId: "amber-harbor-482",
  ownerId: "owner",
  title: "Talk",
  sourceLanguage: "en",
  targetLanguages: ["es", "fr"],
  glossary: [],
  voices: {},
  audioCapacity: 10,
  transcriptPublic: false,
  status: "live",
  muted: false,
  createdAt: 0,
  updatedAt: 0,
  channels: [],
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One container's ports over the shared tables, translating with `engines`. */
export function memoryJourneyPorts(tables: JourneyTables, engines: TranslateEngine): JourneyPorts {
  return {
    stores: {
      saveTranslation: async (seq, language, translation) => {
        tables.saved.push({ seq, language, translation });
        tables.events.push(`saved ${language} ${seq}`);
      },
      saveTerminology: async (terminology) => {
        tables.terminology = terminology;
      },
      publishedThrough: async (language) => tables.marks.get(language),
      markPublished: async (language, seq) => {
        tables.marks.set(language, Math.max(tables.marks.get(language) ?? -1, seq));
      },
      languagesBetween: async (from, to) =>
        [...tables.segments.values()].filter((s) => s.seq >= from && s.seq <= to).sort((a, b) => a.seq - b.seq),
    },
    publisher: {
      caption: async (caption) => {
        tables.captions.push(caption);
        tables.events.push(`caption ${caption.language} ${caption.seq}`);
        return 1;
      },
      progress: async (progress) => {
        tables.progress.push(progress);
        return 1;
      },
    },
    engines,
    clock: { now: Date.now, sleep, random: Math.random },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}
