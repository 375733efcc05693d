import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecognizedSegment } from "@babelcast/protocol";
import { expect, test } from "@playwright/test";
import { fakeMicrophone } from "../../support/consoleFixtures.js";
import { type ServedEmbedded, serveEmbedded } from "../../support/embeddedServer.js";
import { loadClips, normalizeWords, wordErrorRate, writeTalk } from "../../support/transcribeClips.js";
import { ownerTokenOf, type RecognitionPageServer, serveRecognitionPage } from "../../support/transcribeHarness.js";

// A talk with pauses: the five LibriVox clips, 1.5 s of silence after each.
const talk = writeTalk(loadClips(), join(mkdtempSync(join(tmpdir(), "babelcast-talk-")), "talk.wav"));

// The project's browser and base flags, plus Chromium's fake microphone playing the talk once.
test.use({ launchOptions: fakeMicrophone(`${talk.wavPath}%noloop`) });

type Word = RecognizedSegment["words"][number];

let server: ServedEmbedded;
let pageServer: RecognitionPageServer;
test.beforeAll(async () => {
  server = await serveEmbedded();
  pageServer = await serveRecognitionPage();
});
test.afterAll(async () => {
  await pageServer?.close();
  await server?.stop();
});

test("the console streams a real talk through the SDK's browser build to the embedded recognizer", async ({ page }) => {
  test.setTimeout(300_000);
  const token = ownerTokenOf(server.ready.consoleUrl);
  // The session glossary becomes a custom vocabulary, built by the backend; the stream names it.
  const { apiUrl } = (await (await fetch(`${server.ready.url}/config.json`)).json()) as { apiUrl: string };
  const created = await fetch(`${apiUrl}/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      title: "Recognition",
      sourceLanguage: "en",
      targetLanguages: ["es"],
      glossary: [{ source: "Dashwood" }, { source: "Babelcast" }],
    }),
  });
  const session = (await created.json()) as { vocabulary?: { name: string; state: string } };
  expect(session.vocabulary?.state).toBe("READY");
  const query = new URLSearchParams({
    server: server.ready.url,
    token,
    vocabulary: session.vocabulary?.name ?? "",
  });
  await page.goto(`${pageServer.url}?${query}`);
  await page.waitForFunction(() => window.recognition.started || window.recognition.error !== undefined, null, {
    timeout: 30_000,
  });
  expect(await page.evaluate(() => window.recognition.error)).toBeUndefined();

  // Mid-talk, once the second clip's final is in, the console renews its Transcribe stream
  // (what it does before the 4-hour limit, and after a network error).
  await page.waitForFunction(
    () => window.recognition.results.filter((r) => !r.isPartial && r.items.length > 0).length >= 2,
    null,
    { timeout: 120_000, polling: 200 },
  );
  await page.evaluate(() => window.recognition.renew());

  // The fake microphone plays the talk in real time (then silence). The console stops
  // recognition once the last clip's final is in, or the recognizer has long been quiet (a
  // busy machine decodes slower than real time).
  const lastSpeechEnd = talk.clipEnds.at(-1) ?? talk.seconds;
  await page.waitForFunction(
    ({ seconds, lastSpeechEnd }) => {
      const r = window.recognition;
      const last = r.results.at(-1);
      const lastFinalEnd = Math.max(
        0,
        ...r.results.filter((x) => !x.isPartial).flatMap((x) => x.items.map((i) => i.end)),
      );
      return (
        r.audioSeconds() >= seconds && (lastFinalEnd >= lastSpeechEnd - 1.5 || Date.now() - (last?.atMs ?? 0) > 30_000)
      );
    },
    { seconds: talk.seconds + 1, lastSpeechEnd },
    { timeout: 240_000, polling: 500 },
  );
  await page.evaluate(() => window.recognition.stop());
  const recorded = await page.evaluate(() => {
    const { error, deviceRate, segments, results, events } = window.recognition;
    return { error, deviceRate, segments, results, events };
  });

  if (process.env.DEBUG_ASR)
    console.log(
      JSON.stringify({ events: recorded.events, results: recorded.results.filter((r) => !r.isPartial) }, null, 0),
    );
  expect(recorded.error).toBeUndefined();
  const finals = recorded.results.filter((r) => !r.isPartial && r.items.length > 0);
  expect(finals.length).toBeGreaterThanOrEqual(2);

  // The stream was renewed mid-talk.
  expect(recorded.events.some((e) => e.kind === "stream-renewing")).toBe(true);
  expect(
    new Set(recorded.events.filter((e) => e.kind === "stream-started").map((e) => e.streamId)).size,
  ).toBeGreaterThan(1);

  // Segments come in order, and no word is committed twice: every committed word lies
  // after the one before it on the session's audio clock, across the renewal too.
  const segments = recorded.segments.map((s) => s.segment);
  expect(segments.map((s) => s.seq)).toEqual(segments.map((_, i) => i));
  const words = segments.flatMap((s) => s.words);
  for (let i = 1; i < words.length; i++) {
    const prev = words[i - 1] as Word;
    const word = words[i] as Word;
    expect(word.startTime + word.endTime, `${prev.text} then ${word.text}`).toBeGreaterThan(
      prev.startTime + prev.endTime,
    );
  }

  // Words come from the clip.
  const reference = new Set(normalizeWords(talk.reference));
  const committed = words.flatMap((w) => normalizeWords(w.text));
  expect(committed.filter((w) => reference.has(w)).length).toBeGreaterThanOrEqual(10);
  expect(committed.length).toBeLessThanOrEqual(normalizeWords(talk.reference).length * 1.5);

  const hypothesis = segments.map((s) => s.text).join(" ");
  const wer = wordErrorRate(talk.reference, hypothesis);
  const report = `WER ${(wer.wer * 100).toFixed(1)}% (${wer.errors}/${wer.words} words), ${segments.length} segments, device ${recorded.deviceRate} Hz`;
  console.log(`[asr] ${report}\n[asr] reference: ${talk.reference}\n[asr] recognized: ${hypothesis}`);
  test.info().annotations.push({ type: "asr", description: report });
});
