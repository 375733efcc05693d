import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TranslateClient } from "@aws-sdk/client-translate";
import { createTranslateClient } from "@babelcast/backend/aws/translateClient.js";
import { translateEngine } from "@babelcast/backend/aws/translateEngine.js";
import { DEFAULT_JOURNEY, runSegmentJourney } from "@babelcast/backend/segmentJourney/runSegmentJourney.js";
import { JOURNEY_SESSION, JourneyTables, memoryJourneyPorts } from "@babelcast/backend/testSupport/memoryJourney.js";
import { PATHS } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { createTranslateService } from "../../src/translate/translateService.js";

/** The segment journey on the embedded Translate endpoint (Apertium), through the real SDK client. */
let server: RunningEmbeddedServer;
let client: TranslateClient;

beforeAll(async () => {
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "babelcast-pipeline-")),
    settings: { translate: { warmLanguages: ["es", "fr", "pt"] } },
    services: [createTranslateService],
  });
  client = createTranslateClient({
    region: server.context.region,
    credentials: server.context.credentials,
    maxAttempts: 1,
    endpoint: `${server.url}${PATHS.translate}`,
  });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const settings = { ...DEFAULT_JOURNEY, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 } };
const session = { ...JOURNEY_SESSION, targetLanguages: ["es", "fr", "pt", "de"] };

function journey(tables: JourneyTables, seq: number, text: string, languages: string[], s = session) {
  const segment = tables.store(s.sessionId, seq, text, languages);
  return runSegmentJourney(segment, s, memoryJourneyPorts(tables, translateEngine(client)), settings);
}

describe("the segment journey on the embedded Translate endpoint, through the real SDK client", () => {
  it("captions each language, and sends the console the text to speak", async () => {
    const tables = new JourneyTables();
    await journey(tables, 0, "Thank you all for coming to the show.", ["es", "fr", "pt"]);
    expect(tables.captions.map((c) => c.language).sort()).toEqual(["es", "fr", "pt"]);
    expect(tables.captions.find((c) => c.language === "es")?.text).toBe("Gracias Todo para venidero al espectáculo.");
    const progress = tables.progress.find((p) => p.language === "es");
    expect(progress?.text).toBe("Gracias Todo para venidero al espectáculo.");
    expect(progress?.stages.translatedAt).toBeGreaterThan(0);
  });

  it("keeps every language in order under concurrent segments", async () => {
    const tables = new JourneyTables();
    const texts = [
      "Good morning.",
      "The house is very big and it has many red windows.",
      "Hello.",
      "Where is the station?",
    ];
    await Promise.all(texts.map((t, i) => journey(tables, i, t, ["es", "fr"])));
    for (const language of ["es", "fr"]) expect(tables.captionSeqs(language)).toEqual([0, 1, 2, 3]);
  });

  it("keeps glossary terms through translation, also where it pivots", async () => {
    const tables = new JourneyTables();
    const withGlossary: typeof session = {
      ...session,
      glossary: [
        { source: "keynote", targets: { es: "ponencia", fr: "conférence" } },
        { source: "Babelcast", targets: {} },
      ],
    };
    await journey(tables, 0, "Welcome to the Babelcast keynote.", ["es", "fr"], withGlossary);
    expect(tables.terminology?.name).toBe("babelcast-amber-harbor-482");
    expect(tables.captions.find((c) => c.language === "es")?.text).toContain("ponencia");
    expect(tables.captions.find((c) => c.language === "fr")?.text).toContain("conférence");
    expect(tables.captions.every((c) => c.text.includes("Babelcast"))).toBe(true);
  });

  it("a language that cannot be translated holds up no other, and tells the console why", async () => {
    const tables = new JourneyTables();
    const outcomes = await journey(tables, 0, "Good evening.", ["es", "de"]);
    // German has no Apertium route: it fails at once (no retry can fix it); Spanish goes out whole.
    expect(outcomes.find((o) => o.language === "de")?.error).toMatch(/UnsupportedLanguagePairException/);
    expect(tables.progress.find((p) => p.language === "de")?.error).toMatch(/UnsupportedLanguagePairException/);
    expect(tables.captions.map((c) => c.language)).toEqual(["es"]);
  });
});
