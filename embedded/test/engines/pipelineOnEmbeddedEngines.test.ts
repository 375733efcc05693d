import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PollyClient } from "@aws-sdk/client-polly";
import type { TranslateClient } from "@aws-sdk/client-translate";
import { createPollyClient } from "@babelcast/backend/aws/pollyClient.js";
import { createTranslateClient } from "@babelcast/backend/aws/translateClient.js";
import { defaultVoices, synthesizeWith, translateWith } from "@babelcast/backend/pipeline/awsEngines.js";
import {
  createPipelineState,
  type PipelineDeps,
  type PipelineSegment,
} from "@babelcast/backend/pipeline/pipelineDeps.js";
import { processSegment } from "@babelcast/backend/pipeline/processSegment.js";
import { importSessionGlossary } from "@babelcast/backend/pipeline/sessionGlossary.js";
import { audioDurationMs } from "@babelcast/backend/services/pipeline/audioDuration.js";
import { type CaptionMessage, decodeSpeechFrame, PATHS, type SpeechFrame } from "@babelcast/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmbeddedServer, startEmbeddedServer } from "../../src/embeddedServer.js";
import { createPollyService, type PollyService } from "../../src/polly/pollyService.js";
import { createTranslateService } from "../../src/translate/translateService.js";

let server: RunningEmbeddedServer;
let polly: PollyService;
let translateClient: TranslateClient;
let pollyClient: PollyClient;

beforeAll(async () => {
  server = await startEmbeddedServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "babelcast-pipeline-")),
    settings: { translate: { warmLanguages: ["es", "fr", "pt"] } },
    services: [
      createTranslateService,
      async (ctx) => {
        polly = createPollyService(ctx);
        return polly;
      },
    ],
  });
  const base = { region: server.context.region, credentials: server.context.credentials, maxAttempts: 1 };
  translateClient = createTranslateClient({ ...base, endpoint: `${server.url}${PATHS.translate}` });
  pollyClient = createPollyClient({ ...base, endpoint: `${server.url}${PATHS.polly}` });
});
afterAll(async () => {
  translateClient.destroy();
  pollyClient.destroy();
  await server.close();
});

function pipeline(languages: readonly string[], terminologyName?: string) {
  const captions: CaptionMessage[] = [];
  const frames: SpeechFrame[] = [];
  const deps: PipelineDeps = {
    state: createPipelineState({
      voices: defaultVoices(languages),
      retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      ...(terminologyName ? { terminologyName } : {}),
    }),
    translate: translateWith(translateClient),
    synthesize: synthesizeWith(pollyClient),
    publishCaption: async (_l, c) => captions.push(c),
    publishSpeech: async (_l, f) => frames.push(decodeSpeechFrame(f)),
    publishProgress: async () => undefined,
    persist: async () => undefined,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
  };
  return { deps, captions, frames };
}

function segment(seq: number, text: string, languages: readonly string[]): PipelineSegment {
  const now = Date.now();
  return { seq, text, sourceLanguage: "en", languages, stages: { committedAt: now, sentAt: now, receivedAt: now } };
}

describe("the pipeline on the embedded engines, through the real SDK clients", () => {
  it("captions and speaks each language; the speech is valid mp3 of a plausible length", async () => {
    const p = pipeline(["es", "fr", "pt"]);
    await processSegment(segment(0, "Thank you all for coming to the show.", ["es", "fr", "pt"]), p.deps);
    expect(p.captions.map((c) => c.language).sort()).toEqual(["es", "fr", "pt"]);
    expect(p.captions.find((c) => c.language === "es")?.text).toBe("Gracias Todo para venidero al espectáculo.");
    expect(p.frames).toHaveLength(3);
    for (const frame of p.frames) {
      expect(frame.format).toBe("mp3");
      const seconds = audioDurationMs(frame.audio, frame.format, frame.sampleRate) / 1000;
      expect(seconds).toBeGreaterThan(1);
      expect(seconds).toBeLessThan(6);
    }
  });

  it("keeps every language in order under concurrent segments", async () => {
    const langs = ["es", "fr"];
    const p = pipeline(langs);
    const texts = [
      "Good morning.",
      "The house is very big and it has many red windows.",
      "Hello.",
      "Where is the station?",
    ];
    await Promise.all(texts.map((t, i) => processSegment(segment(i, t, langs), p.deps)));
    for (const lang of langs) {
      expect(p.captions.filter((c) => c.language === lang).map((c) => c.segmentSeq)).toEqual([0, 1, 2, 3]);
      expect(p.frames.filter((f) => f.language === lang).map((f) => f.segmentSeq)).toEqual([0, 1, 2, 3]);
    }
  });

  it("keeps glossary terms through translation, also where it pivots", async () => {
    const name = await importSessionGlossary(translateClient, {
      sessionId: "amber-harbor-482",
      sourceLanguage: "en",
      targetLanguages: ["es", "fr"],
      glossary: [
        { source: "keynote", targets: { es: "ponencia", fr: "conférence" } },
        { source: "Babelcast", targets: {} },
      ],
    });
    expect(name).toBe("babelcast-amber-harbor-482");
    const p = pipeline(["es", "fr"], name);
    await processSegment(segment(0, "Welcome to the Babelcast keynote.", ["es", "fr"]), p.deps);
    expect(p.captions.find((c) => c.language === "es")?.text).toContain("ponencia");
    expect(p.captions.find((c) => c.language === "fr")?.text).toContain("conférence");
    expect(p.captions.every((c) => c.text.includes("Babelcast"))).toBe(true);
  });

  it("a failing language (no route, or throttled speech) holds up no other; its caption goes out without speech", async () => {
    const p = pipeline(["es", "de"]);
    polly.faults.set({ throttleRate: 0 });
    const outcomes = await processSegment(segment(0, "Good evening.", ["es", "de"]), p.deps);
    // German has no Apertium route: it fails at once (no retry can fix it); Spanish goes out whole.
    expect(outcomes.find((o) => o.language === "de")?.error).toMatch(/UnsupportedLanguagePairException/);
    expect(p.captions.map((c) => c.language)).toEqual(["es"]);
    expect(p.frames.map((f) => f.language)).toEqual(["es"]);
    try {
      polly.faults.set({ throttleRate: 1 });
      const throttled = await processSegment(segment(1, "Good night.", ["es"]), p.deps);
      expect(throttled[0]).toMatchObject({ speechMissing: true, error: expect.stringMatching(/ThrottlingException/) });
      expect(p.captions.at(-1)).toMatchObject({ language: "es", segmentSeq: 1, speechMissing: true });
    } finally {
      polly.faults.set({ throttleRate: 0 });
    }
  });
});
