import { describe, expect, it } from "vitest";
import type { JourneyPorts, TranslateEngine } from "../../src/segmentJourney/ports.js";
import { DEFAULT_JOURNEY, runSegmentJourney } from "../../src/segmentJourney/runSegmentJourney.js";
import type { SegmentRecord } from "../../src/tables/records.js";
import { JOURNEY_SESSION, JourneyTables, memoryJourneyPorts } from "../support/memoryJourney.js";

const settings = {
  ...DEFAULT_JOURNEY,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  order: { maxWaitMs: 400, firstPollMs: 2, maxPollMs: 10, lookBack: 20 },
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const session = JOURNEY_SESSION;

/** A translate engine that counts glossary imports. */
function engines(translate: (text: string, to: string) => Promise<string> = async (t, to) => `${to}:${t}`) {
  const engine: TranslateEngine & { imports: number } = {
    imports: 0,
    translate: (text, _from, to) => translate(text, to),
    importTerminology: async () => {
      engine.imports += 1;
    },
  };
  return engine;
}

function container(tables: JourneyTables, translate?: (text: string, to: string) => Promise<string>): JourneyPorts {
  return memoryJourneyPorts(tables, engines(translate));
}

function store(tables: JourneyTables, seq: number, languages: string[]): SegmentRecord {
  return tables.store(session.sessionId, seq, `segment ${seq}`, languages);
}

describe("the segment journey: enter → order → translate → publish", () => {
  it("captions each listened-to language once, numbered by the console's segment number", async () => {
    const tables = new JourneyTables();
    const outcomes = await runSegmentJourney(store(tables, 0, ["en", "es"]), session, container(tables), settings);
    expect(tables.captions).toEqual([
      expect.objectContaining({
        language: "en",
        seq: 0,
        segmentSeq: 0,
        text: "segment 0",
        spokenEndAt: expect.any(Number),
      }),
      expect.objectContaining({ language: "es", seq: 0, segmentSeq: 0, text: "es:segment 0" }),
    ]);
    expect(outcomes.map((o) => o.turn)).toEqual(["in-order", "in-order"]);
    // French has no listener: not translated.
    expect(tables.saved.map((s) => s.language)).toEqual(["es"]);
  });

  it("sends the console each language's translated text and stage times, to synthesize from", async () => {
    const tables = new JourneyTables();
    await runSegmentJourney(store(tables, 0, ["es", "fr"]), session, container(tables), settings);
    const es = tables.progress.find((p) => p.language === "es");
    expect(es).toMatchObject({
      type: "segment-progress",
      segmentSeq: 0,
      text: "es:segment 0",
      source: { receivedAt: expect.any(Number) },
    });
    expect(es?.stages.translatedAt).toBeGreaterThan(0);
    expect(es?.stages.deliveredAt).toBeGreaterThanOrEqual(es?.stages.translatedAt ?? 0);
    expect(tables.progress.map((p) => p.language).sort()).toEqual(["es", "fr"]);
  });

  it("filters each translation's words with the word filter (the language's own list, else the source's) before storing and captioning it", async () => {
    const tables = new JourneyTables();
    const filtered = {
      ...session,
      wordFilter: { method: "mask" as const, words: ["segment"], targets: { fr: ["fr"] } },
    };
    await runSegmentJourney(store(tables, 0, ["es", "fr"]), filtered, container(tables), settings);
    const caption = (l: string) => tables.captions.find((c) => c.language === l)?.text;
    // The engine writes "<language>:<text>"; "segment" is the source list, "fr" French's own.
    expect(caption("es")).toBe("es:*** 0");
    expect(caption("fr")).toBe("***:segment 0");
    expect(tables.saved.find((s) => s.language === "es")?.translation.text).toBe("es:*** 0");
  });

  it("captions nothing for a segment the word filter emptied, and still lets the next one out in order", async () => {
    const tables = new JourneyTables();
    const emptied = tables.store(session.sessionId, 0, "", ["en", "es"]);
    let translations = 0;
    const counting = container(tables, async (t, to) => {
      translations += 1;
      return `${to}:${t}`;
    });
    await runSegmentJourney(emptied, session, counting, settings);
    await runSegmentJourney(store(tables, 1, ["en", "es"]), session, counting, settings);
    expect(translations).toBe(1);
    expect(tables.captions.map((c) => [c.language, c.segmentSeq])).toEqual([
      ["en", 1],
      ["es", 1],
    ]);
  });

  it("translates a segment from the language it was spoken in, not the session's (the segment in flight across a source change)", async () => {
    const tables = new JourneyTables();
    const pairs: string[] = [];
    const engine: TranslateEngine = {
      translate: async (text, from, to) => {
        pairs.push(`${from}>${to}`);
        return `${to}:${text}`;
      },
      importTerminology: async () => {},
    };
    const spokenInSpanish = { ...store(tables, 0, ["en", "es"]), sourceLanguage: "es" };
    await runSegmentJourney(spokenInSpanish, session, memoryJourneyPorts(tables, engine), settings);
    expect(pairs).toEqual(["es>en"]);
    expect(tables.captions.map((c) => [c.language, c.text]).sort()).toEqual([
      ["en", "en:segment 0"],
      ["es", "segment 0"],
    ]);
  });

  it("stores each translation before its caption goes out", async () => {
    const tables = new JourneyTables();
    await runSegmentJourney(store(tables, 0, ["es"]), session, container(tables), settings);
    expect(tables.events).toEqual(["saved es 0", "caption es 0"]);
  });

  it("never lets a later segment overtake an earlier one, though another container translates it faster", async () => {
    const tables = new JourneyTables();
    const slow = container(tables, async (t, to) => {
      await sleep(80);
      return `${to}:${t}`;
    });
    const fast = container(tables);
    const first = runSegmentJourney(store(tables, 0, ["es", "fr"]), session, slow, settings);
    await sleep(5);
    const second = runSegmentJourney(store(tables, 1, ["es", "fr"]), session, fast, settings);
    const outcomes = [...(await first), ...(await second)];
    expect(tables.captionSeqs("es")).toEqual([0, 1]);
    expect(tables.captionSeqs("fr")).toEqual([0, 1]);
    expect(outcomes.every((o) => o.turn === "in-order")).toBe(true);
  });

  it("waits for an earlier segment still on its way to the server, then keeps the order", async () => {
    const tables = new JourneyTables();
    const later = runSegmentJourney(store(tables, 1, ["es"]), session, container(tables), settings);
    await sleep(40);
    expect(tables.captions).toEqual([]);
    await runSegmentJourney(store(tables, 0, ["es"]), session, container(tables), settings);
    await later;
    expect(tables.captionSeqs("es")).toEqual([0, 1]);
  });

  it("goes out anyway after the bounded wait when an earlier segment never comes", async () => {
    const tables = new JourneyTables();
    const started = Date.now();
    const [outcome] = await runSegmentJourney(store(tables, 3, ["es"]), session, container(tables), {
      ...settings,
      order: { ...settings.order, lookBack: 2 },
    });
    expect(outcome?.turn).toBe("waited-out");
    expect(Date.now() - started).toBeGreaterThanOrEqual(settings.order.maxWaitMs - 5);
    expect(tables.captionSeqs("es")).toEqual([3]);
    // The next one no longer waits for the lost segment.
    const [next] = await runSegmentJourney(store(tables, 4, ["es"]), session, container(tables), settings);
    expect(next?.turn).toBe("in-order");
  });

  it("does not wait for earlier segments nobody listened to in the language", async () => {
    const tables = new JourneyTables();
    store(tables, 0, ["en"]);
    store(tables, 1, []);
    const [outcome] = await runSegmentJourney(store(tables, 2, ["es"]), session, container(tables), settings);
    expect(outcome?.turn).toBe("in-order");
  });

  it("a language whose translation fails for good tells the console and holds up no later segment", async () => {
    const tables = new JourneyTables();
    const failing = container(tables, async (t, to) => {
      if (to === "fr") throw Object.assign(new Error("no route"), { name: "UnsupportedLanguagePairException" });
      return `${to}:${t}`;
    });
    const outcomes = await runSegmentJourney(store(tables, 0, ["es", "fr"]), session, failing, settings);
    expect(outcomes.find((o) => o.language === "fr")?.error).toMatch(/UnsupportedLanguagePairException/);
    expect(tables.progress.find((p) => p.language === "fr")?.error).toMatch(/failed after 1 attempt/);
    expect(tables.captionSeqs("fr")).toEqual([]);
    const [next] = await runSegmentJourney(store(tables, 1, ["fr"]), session, container(tables), settings);
    expect(next?.turn).toBe("in-order");
    expect(tables.captionSeqs("fr")).toEqual([1]);
  });

  it("imports the glossary only when it changed since the import the session remembers", async () => {
    const tables = new JourneyTables();
    const engine = engines();
    const withGlossary = { ...session, glossary: [{ source: "keynote", targets: { es: "ponencia" } }] };
    await runSegmentJourney(store(tables, 0, ["es"]), withGlossary, memoryJourneyPorts(tables, engine), settings);
    expect(engine.imports).toBe(1);
    const remembered = { ...withGlossary, terminology: tables.terminology };
    await runSegmentJourney(store(tables, 1, ["es"]), remembered, memoryJourneyPorts(tables, engine), settings);
    expect(engine.imports).toBe(1);
    const changed = { ...remembered, glossary: [{ source: "keynote", targets: { es: "conferencia" } }] };
    await runSegmentJourney(store(tables, 2, ["es"]), changed, memoryJourneyPorts(tables, engine), settings);
    expect(engine.imports).toBe(2);
  });
});
