import { type CaptionMessage, decodeSpeechFrame, type SegmentProgressMessage } from "@babelcast/protocol";
import { describe, expect, it } from "vitest";
import { defaultVoices, speechRequestText } from "../../src/pipeline/awsEngines.js";
import {
  createPipelineState,
  type LanguageOutcome,
  type PipelineDeps,
  type PipelineSegment,
} from "../../src/pipeline/pipelineDeps.js";
import { processSegment } from "../../src/pipeline/processSegment.js";
import { glossaryTerminologyCsv } from "../../src/pipeline/sessionGlossary.js";

const LANGS = ["es", "fr", "pt"];

interface Harness {
  deps: PipelineDeps;
  captions: CaptionMessage[];
  speech: { language: string; seq: number; segmentSeq: number; rate: number }[];
  progress: SegmentProgressMessage[];
  persisted: { segmentSeq: number; outcome: LanguageOutcome }[];
  events: string[];
}

/** Fake engines whose latency and failures a test scripts per call. */
function harness(options: {
  translateDelay?: (text: string, to: string) => number;
  translateFails?: (to: string, attempt: number) => Error | undefined;
  synthFails?: (language: string, attempt: number) => Error | undefined;
}): Harness {
  const h: Omit<Harness, "deps"> = { captions: [], speech: [], progress: [], persisted: [], events: [] };
  const attempts = new Map<string, number>();
  const count = (key: string) => {
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return n;
  };
  const state = createPipelineState({
    voices: defaultVoices(LANGS),
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  });
  const deps: PipelineDeps = {
    state,
    async translate(text, _from, to) {
      const fail = options.translateFails?.(to, count(`t:${to}:${text}`));
      await new Promise((r) => setTimeout(r, options.translateDelay?.(text, to) ?? 1));
      if (fail) throw fail;
      return `${to}:${text}`;
    },
    async synthesize(text, language) {
      const fail = options.synthFails?.(language, count(`s:${language}:${text}`));
      if (fail) throw fail;
      return { audio: new Uint8Array(3200), format: "pcm", sampleRate: 16000 };
    },
    async publishCaption(_language, caption) {
      h.events.push(`caption ${caption.language} ${caption.segmentSeq}`);
      h.captions.push(caption);
    },
    async publishSpeech(_language, frame) {
      const f = decodeSpeechFrame(frame);
      h.events.push(`speech ${f.language} ${f.segmentSeq}`);
      h.speech.push({ language: f.language, seq: f.seq, segmentSeq: f.segmentSeq, rate: f.rate });
    },
    async publishProgress(p) {
      h.progress.push(p);
    },
    async persist(segmentSeq, outcome) {
      h.events.push(`persist ${outcome.language} ${segmentSeq}`);
      h.persisted.push({ segmentSeq, outcome });
    },
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: () => 0.5,
  };
  return { ...h, deps };
}

function segment(seq: number, text: string): PipelineSegment {
  const now = Date.now();
  return {
    seq,
    text,
    sourceLanguage: "en",
    languages: LANGS,
    stages: { committedAt: now - 20, sentAt: now - 15, receivedAt: now },
  };
}

const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });

describe("processSegment: translate → synthesize → fan out once per language", () => {
  it("never lets a late segment overtake an earlier one, even when its translation finishes first", async () => {
    // Earlier segments translate slowest: they finish last.
    const h = harness({ translateDelay: (text) => 60 - Number(text.split(" ")[1]) * 10 });
    const segments = [0, 1, 2, 3, 4].map((i) => segment(i, `sentence ${i}`));
    await Promise.all(segments.map((s) => processSegment(s, h.deps)));
    for (const lang of LANGS) {
      const captions = h.captions.filter((c) => c.language === lang);
      expect(captions.map((c) => c.segmentSeq)).toEqual([0, 1, 2, 3, 4]);
      expect(captions.map((c) => c.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(h.speech.filter((s) => s.language === lang).map((s) => s.segmentSeq)).toEqual([0, 1, 2, 3, 4]);
    }
    expect(h.captions).toHaveLength(15);
  });

  it("persists each translation before its caption goes out, with its stage timestamps", async () => {
    const h = harness({});
    const [es] = await processSegment(segment(7, "hello"), h.deps);
    expect(es?.stages.translatedAt).toBeDefined();
    expect(es?.stages.synthesizedAt).toBeDefined();
    expect(es?.stages.deliveredAt).toBeDefined();
    expect(h.events.indexOf("persist es 7")).toBeLessThan(h.events.indexOf("caption es 7"));
    const final = h.persisted.filter((p) => p.outcome.language === "es").at(-1)?.outcome;
    expect(final?.stages.deliveredAt).toBeDefined();
    const progress = h.progress.find((p) => p.language === "es");
    expect(progress?.source.receivedAt).toBeDefined();
    expect(progress?.stages.deliveredAt).toBeGreaterThanOrEqual(progress?.stages.synthesizedAt ?? 0);
  });

  it("retries a throttled language with backoff without holding up the others", async () => {
    const h = harness({
      translateFails: (to, attempt) => (to === "fr" && attempt < 3 ? throttled() : undefined),
    });
    await processSegment(segment(0, "hello"), h.deps);
    const order = h.events.filter((e) => e.startsWith("caption"));
    // Spanish and Portuguese went out while French was still backing off.
    expect(order.indexOf("caption fr 0")).toBe(2);
    expect(h.captions.find((c) => c.language === "fr")?.text).toBe("fr:hello");
  });

  it("sends the caption without speech, and the error to the console, once speech retries are spent", async () => {
    const h = harness({ synthFails: (language) => (language === "pt" ? throttled() : undefined) });
    const outcomes = await processSegment(segment(3, "hello"), h.deps);
    const pt = outcomes.find((o) => o.language === "pt");
    expect(pt?.speechMissing).toBe(true);
    expect(pt?.error).toMatch(/speech failed after 3 attempt/);
    expect(h.captions.find((c) => c.language === "pt")).toMatchObject({ text: "pt:hello", speechMissing: true });
    expect(h.speech.map((s) => s.language).sort()).toEqual(["es", "fr"]);
    expect(h.progress.find((p) => p.language === "pt")?.error).toMatch(/TooManyRequestsException/);
  });

  it("does not hold later segments behind one whose translation failed for good", async () => {
    const h = harness({
      translateFails: (to) =>
        to === "fr" ? Object.assign(new Error("no route"), { name: "UnsupportedLanguagePairException" }) : undefined,
    });
    await processSegment(segment(0, "one"), h.deps);
    await processSegment(segment(1, "two"), h.deps);
    expect(h.captions.filter((c) => c.language === "fr")).toHaveLength(0);
    expect(h.progress.filter((p) => p.language === "fr").map((p) => p.error)).toEqual([
      expect.stringMatching(/UnsupportedLanguagePairException/),
      expect.stringMatching(/UnsupportedLanguagePairException/),
    ]);
    expect(h.captions.filter((c) => c.language === "es").map((c) => c.segmentSeq)).toEqual([0, 1]);
  });

  it("asks Polly for a faster rate through SSML prosody, escaping the text", () => {
    expect(speechRequestText("a < b", 1)).toEqual({ Text: "a < b", TextType: "text" });
    expect(speechRequestText("a < b & c", 1.35)).toEqual({
      Text: '<speak><prosody rate="135%">a &lt; b &amp; c</prosody></speak>',
      TextType: "ssml",
    });
  });
});

describe("session glossary as Translate custom terminology", () => {
  it("writes source and target columns, keeping a term as is where it has no target", () => {
    const csv = glossaryTerminologyCsv(
      "en",
      ["es", "fr", "en"],
      [
        { source: "keynote", targets: { es: "ponencia", fr: "conférence" } },
        { source: "Q&A, live", targets: { es: "preguntas" } },
      ],
    );
    expect(csv).toBe('en,es,fr\nkeynote,ponencia,conférence\n"Q&A, live",preguntas,"Q&A, live"\n');
  });
});
