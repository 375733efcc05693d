import type { CaptionMessage, SegmentProgressMessage } from "@babelcast/protocol";
import type { Logger } from "../handlers/shared/logger.js";
import type { SegmentTranslation } from "../tables/records.js";

/**
 * What the segment journey works through, bound to one session. Narrow on purpose: the
 * journey never sees a table, an SDK client or a socket, so tests pass in-memory ports and
 * the handlers pass DynamoDB, Translate, the caption Event API and the API Gateway Management API.
 */

/** Where the journey reads and writes what outlives one invocation. */
export interface JourneyStores {
  /** Stores one language's translation of a segment (before its caption goes out: durability first). */
  saveTranslation(segmentSeq: number, language: string, translation: SegmentTranslation): Promise<void>;
  /** Remembers which glossary the session's Translate terminology holds. */
  saveTerminology(terminology: SessionTerminology): Promise<void>;
  /** The last segment whose caption went out in `language`; undefined before the first. */
  publishedThrough(language: string): Promise<number | undefined>;
  /** Segment `segmentSeq` went out in `language` (the mark never moves back). */
  markPublished(language: string, segmentSeq: number): Promise<void>;
  /** The languages stored segments `fromSeq`…`toSeq` go out in (missing ones have not arrived). */
  languagesBetween(
    fromSeq: number,
    toSeq: number,
  ): Promise<readonly { readonly seq: number; readonly languages?: readonly string[] }[]>;
}

/** The session's glossary as imported into Translate. */
export interface SessionTerminology {
  readonly name: string;
  /** Fingerprint of the glossary and languages it was built from. */
  readonly glossaryKey: string;
}

/** How a segment reaches people. */
export interface JourneyPublisher {
  /** A caption to every listener of `caption.language` (one publish); resolves with how many publishes went out (0 or 1). */
  caption(caption: CaptionMessage): Promise<number>;
  /** The translated text and stage times to the console (it synthesizes speech from them). */
  progress(progress: SegmentProgressMessage): Promise<number>;
}

/** Translation, and nothing else: speech is the console's. */
export interface TranslateEngine {
  translate(text: string, from: string, to: string, terminologyName?: string): Promise<string>;
  /** Imports (overwrites) the named terminology from a CSV file. */
  importTerminology(name: string, csv: string): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export interface JourneyPorts {
  readonly stores: JourneyStores;
  readonly publisher: JourneyPublisher;
  readonly engines: TranslateEngine;
  readonly clock: Clock;
  readonly log: Logger;
}
